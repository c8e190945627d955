package dev.subminute.local;

import dev.subminute.controller.core.TickListener;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts and dispatch drift of every tick the runtime fires, recorded on the timer thread without
 * allocation; {@link #interval()} hands the figures since the last call to the status line.
 */
public final class RuntimeStats implements TickListener {
  private final Recorder drift = new Recorder(3_600_000_000L, 3);
  private volatile long fired;
  private volatile long missed;
  private Histogram recycled;
  private long lastFired;
  private long lastMissed;

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the timer thread
  public void fired(String jobId, long plannedAt, long driftNanos) {
    drift.recordValue(Math.max(driftNanos / 1_000, 0));
    fired++;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate")
  public void missed(String jobId, long plannedAt) {
    missed++;
  }

  public long fired() {
    return fired;
  }

  public long missed() {
    return missed;
  }

  /** Figures since the previous call. */
  public synchronized Interval interval() {
    recycled = drift.getIntervalHistogram(recycled);
    long f = fired;
    long m = missed;
    Interval interval =
        new Interval(
            f - lastFired,
            m - lastMissed,
            recycled.getValueAtPercentile(99),
            recycled.getMaxValue());
    lastFired = f;
    lastMissed = m;
    return interval;
  }

  /** Drift in µs. */
  public record Interval(long fired, long missed, long driftP99Micros, long driftMaxMicros) {}
}
