package dev.subminute.controller.core;

import dev.subminute.model.dynamodb.StoredJob;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Re-reads the job's item every period with a consistent GetItem: the controller on Lambda. */
public final class PollingJobFeed implements JobFeed {
  private final JobStore store;
  private final ScheduledExecutorService scheduler;
  private final long periodMs;

  public PollingJobFeed(JobStore store, ScheduledExecutorService scheduler, long periodMs) {
    this.store = store;
    this.scheduler = scheduler;
    this.periodMs = periodMs;
  }

  @Override
  public Watch watch(String jobId, Consumer<Optional<StoredJob>> onItem) {
    ScheduledFuture<?> poll =
        scheduler.scheduleWithFixedDelay(
            () -> {
              Optional<StoredJob> item;
              try {
                item = store.read(jobId);
              } catch (StorageException unavailable) {
                return; // keep ticking on the last known item
              }
              onItem.accept(item);
            },
            periodMs,
            periodMs,
            TimeUnit.MILLISECONDS);
    return () -> poll.cancel(false);
  }
}
