package dev.subminute.controller.dynamodb;

import dev.subminute.controller.core.JobStore;
import dev.subminute.controller.core.StorageException;
import dev.subminute.controller.core.StoredItem;
import dev.subminute.model.JobValidator;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The job store over the DynamoDB jobs table: SDK failures become {@link StorageException}. */
public final class DynamoJobStore implements JobStore {
  private final JobTable table;

  public DynamoJobStore(JobTable table) {
    this.table = table;
  }

  /** A raw item (as read, scanned or streamed) in the core's terms. */
  public static StoredItem item(Map<String, AttributeValue> item) {
    AttributeValue id = item.get(JobTable.JOB_ID);
    return new StoredItem(
        id == null ? null : id.s(),
        JobValidator.validate(item),
        JobStatusView.of(item),
        item.containsKey(JobTable.TASK_TOKEN));
  }

  @Override
  public Optional<StoredItem> read(String jobId) {
    return call(() -> table.get(jobId).map(DynamoJobStore::item));
  }

  @Override
  public List<StoredItem> readAll() {
    return call(() -> table.scanAll().map(DynamoJobStore::item).toList());
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
