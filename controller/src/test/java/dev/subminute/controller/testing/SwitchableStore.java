package dev.subminute.controller.testing;

import dev.subminute.controller.core.JobStore;
import dev.subminute.controller.core.StorageException;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.List;
import java.util.Optional;

/** A job store that can be taken out of reach: every call then fails as storage would. */
public final class SwitchableStore implements JobStore {
  private final JobStore store;
  public volatile boolean down;

  public SwitchableStore(JobStore store) {
    this.store = store;
  }

  @Override
  public Optional<StoredJob> read(String jobId) {
    return reachable().read(jobId);
  }

  @Override
  public List<StoredJob> readAll() {
    return reachable().readAll();
  }

  @Override
  public boolean writeStatusAsOwner(
      String jobId, String owner, long leaseUntil, long nowMs, StatusUpdate update) {
    return reachable().writeStatusAsOwner(jobId, owner, leaseUntil, nowMs, update);
  }

  @Override
  public boolean releaseAsOwner(String jobId, String owner, long nowMs, StatusUpdate update) {
    return reachable().releaseAsOwner(jobId, owner, nowMs, update);
  }

  @Override
  public boolean writeStatusUnowned(String jobId, long nowMs, StatusUpdate update) {
    return reachable().writeStatusUnowned(jobId, nowMs, update);
  }

  private JobStore reachable() {
    if (down) {
      throw new StorageException("storage is switched off", null);
    }
    return store;
  }
}
