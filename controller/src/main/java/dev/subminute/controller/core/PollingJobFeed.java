package dev.subminute.controller.core;

import dev.subminute.model.dynamodb.JobTable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Re-reads the job's item every period with a consistent GetItem: the controller on Lambda. */
public final class PollingJobFeed implements JobFeed {
  private final JobTable table;
  private final ScheduledExecutorService scheduler;
  private final long periodMs;

  public PollingJobFeed(JobTable table, ScheduledExecutorService scheduler, long periodMs) {
    this.table = table;
    this.scheduler = scheduler;
    this.periodMs = periodMs;
  }

  @Override
  public Watch watch(String jobId, Consumer<Optional<Map<String, AttributeValue>>> onItem) {
    ScheduledFuture<?> poll =
        scheduler.scheduleWithFixedDelay(
            () -> {
              Optional<Map<String, AttributeValue>> item;
              try {
                item = table.get(jobId);
              } catch (SdkException unavailable) {
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
