package dev.subminute.controller.dynamodb;

import dev.subminute.controller.core.JobStore;
import dev.subminute.controller.core.StorageException;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;

/** The job store over the DynamoDB jobs table: SDK failures become {@link StorageException}. */
public final class DynamoJobStore implements JobStore {
  private final JobTable table;

  public DynamoJobStore(JobTable table) {
    this.table = table;
  }

  @Override
  public Optional<StoredJob> read(String jobId) {
    return call(() -> table.get(jobId).map(StoredJob::of));
  }

  @Override
  public List<StoredJob> readAll() {
    return call(() -> table.scanAll().map(StoredJob::of).toList());
  }

  @Override
  public boolean writeStatusAsOwner(
      String jobId, String owner, long leaseUntil, long nowMs, StatusUpdate update) {
    return call(() -> table.writeStatusAsOwner(jobId, owner, leaseUntil, nowMs, update));
  }

  @Override
  public boolean releaseAsOwner(String jobId, String owner, long nowMs, StatusUpdate update) {
    return call(() -> table.releaseAsOwner(jobId, owner, nowMs, update));
  }

  @Override
  public boolean writeStatusUnowned(String jobId, long nowMs, StatusUpdate update) {
    return call(() -> table.writeStatusUnowned(jobId, nowMs, update));
  }

  private <T> T call(Supplier<T> request) {
    try {
      return request.get();
    } catch (SdkException e) {
      throw new StorageException("the jobs table " + table.name() + " failed: " + e, e);
    }
  }
}
