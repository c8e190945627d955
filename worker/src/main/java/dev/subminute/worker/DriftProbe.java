package dev.subminute.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.subminute.model.WorkerEvent;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code drift-probe}: records when each tick arrived, by its own clock read as the first thing it
 * does, against when it was planned and when the controller fired it, and whether it was a
 * duplicate delivery.
 */
public final class DriftProbe implements Worker {
  public static final String NAME = "drift-probe";

  /** One received tick; times in epoch µs except {@code plannedAt} (ms). */
  public record Receipt(
      String jobId, long plannedAt, long firedAtMicros, long receivedAtMicros, boolean duplicate) {
    /** The controller's stamp minus the planned instant. */
    public long dispatchDriftMicros() {
      return firedAtMicros - plannedAt * 1_000;
    }

    /** The receiver's stamp minus the planned instant; negative when the tick arrived early. */
    public long arrivalDriftMicros() {
      return receivedAtMicros - plannedAt * 1_000;
    }
  }

  /** Where receipts go: a log line on Lambda, the harness's collector on the embedded runtime. */
  public interface Recorder {
    void record(Receipt receipt);
  }

  private final Clock clock;
  private final Recorder recorder;
  private final Duplicates duplicates = new Duplicates();

  public DriftProbe(Clock clock, Recorder recorder) {
    this.clock = clock;
    this.recorder = recorder;
  }

  @Override
  public void handle(WorkerEvent event, JsonNode payload) {
    record(event, !duplicates.firstDelivery(event.jobId(), event.plannedAt()));
  }

  /** Records a delivery that was found to be a duplicate before it reached this probe. */
  public void recordDuplicate(WorkerEvent event) {
    record(event, true);
  }

  private void record(WorkerEvent event, boolean duplicate) {
    Instant now = clock.instant();
    long receivedAt = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    recorder.record(
        new Receipt(
            event.jobId(), event.plannedAt(), event.firedAtMicros(), receivedAt, duplicate));
  }
}
