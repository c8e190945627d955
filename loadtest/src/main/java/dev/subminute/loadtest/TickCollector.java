package dev.subminute.loadtest;

import dev.subminute.controller.core.TickListener;
import dev.subminute.worker.DriftProbe;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects every tick of a load test. Dispatches arrive on the timer thread and go into per-job
 * arrays and histograms confined to that thread (read once the runtime has stopped); receipts
 * arrive on worker threads and go into a wait-free recorder.
 */
public final class TickCollector implements TickListener, DriftProbe.Recorder {
  private static final long MAX_MICROS = 3_600_000_000L;

  /** Fired planned instants of one job. */
  static final class JobTicks {
    long[] plannedAt = new long[64];
    int size;

    void add(long planned) {
      if (size == plannedAt.length) {
        plannedAt = Arrays.copyOf(plannedAt, size * 2);
      }
      plannedAt[size++] = planned;
    }
  }

  private final Map<String, JobTicks> ticks = new HashMap<>();
  private final long startMs;
  private final Histogram[] driftPerSecond;
  private final Recorder driftLive = new Recorder(MAX_MICROS, 3);
  private final Recorder lag = new Recorder(MAX_MICROS, 3);
  private final LongAdder receipts = new LongAdder();
  private final LongAdder duplicateReceipts = new LongAdder();
  private volatile long measureFromMs = Long.MAX_VALUE;
  private volatile long measureToMs = Long.MAX_VALUE;
  private volatile long fired;
  private volatile long missed;

  public TickCollector(List<String> jobIds, long startMs, int seconds) {
    jobIds.forEach(id -> ticks.put(id, new JobTicks()));
    this.startMs = startMs;
    this.driftPerSecond = new Histogram[seconds];
    for (int i = 0; i < seconds; i++) {
      driftPerSecond[i] = new Histogram(MAX_MICROS, 3);
    }
  }

  /** Ticks planned before this instant go into no histogram: start-up is not the steady state. */
  public void measureFrom(long epochMs) {
    measureFromMs = epochMs;
  }

  /** Ticks planned from this instant on (the harness shutting the runtime down) go nowhere. */
  public void measureTo(long epochMs) {
    measureToMs = epochMs;
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the timer thread
  public void fired(String jobId, long plannedAt, long driftNanos) {
    fired++;
    JobTicks job = ticks.get(jobId);
    if (job != null) {
      job.add(plannedAt);
    }
    long micros = Math.min(Math.max(driftNanos / 1_000, 0), MAX_MICROS);
    driftLive.recordValue(micros);
    int second = (int) ((plannedAt - startMs) / 1_000);
    if (plannedAt >= measureFromMs
        && plannedAt < measureToMs
        && second >= 0
        && second < driftPerSecond.length) {
      driftPerSecond[second].recordValue(micros);
    }
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate")
  public void missed(String jobId, long plannedAt) {
    missed++;
  }

  @Override
  public void record(DriftProbe.Receipt receipt) {
    receipts.increment();
    if (receipt.duplicate()) {
      duplicateReceipts.increment();
    }
    if (receipt.plannedAt() >= measureFromMs && receipt.plannedAt() < measureToMs) {
      lag.recordValue(Math.min(Math.max(receipt.receiptLagMicros(), 0), MAX_MICROS));
    }
  }

  public long fired() {
    return fired;
  }

  public long missedByController() {
    return missed;
  }

  public long receipts() {
    return receipts.sum();
  }

  public long duplicateReceipts() {
    return duplicateReceipts.sum();
  }

  /** Drift since the last call, for the progress line. */
  public Histogram liveDrift(Histogram recycle) {
    return driftLive.getIntervalHistogram(recycle);
  }

  public Histogram receiptLag() {
    return lag.getIntervalHistogram();
  }

  /** Only after the timer thread has stopped. */
  JobTicks ticksOf(String jobId) {
    return ticks.get(jobId);
  }

  /** Only after the timer thread has stopped. */
  Histogram[] driftPerSecond() {
    return driftPerSecond;
  }

  long startMs() {
    return startMs;
  }
}
