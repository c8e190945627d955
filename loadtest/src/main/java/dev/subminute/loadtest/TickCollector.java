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
 * Collects both sides of every tick of a load test: what the controller dispatched (on the timer
 * thread: planned instant and dispatch drift) and what the receiver got (on the receivers' threads:
 * planned instant and arrival drift, stamped by the receiver's own clock read, signed). Each side
 * is kept per job and read once the runtime has stopped; the counts come from comparing them.
 */
public final class TickCollector implements TickListener, DriftProbe.Recorder {

  /** Planned instants of one job with a drift each (µs): growable, one writer at a time. */
  static final class JobTicks {
    long[] plannedAt = new long[64];
    long[] driftMicros = new long[64];
    int size;

    void add(long planned, long drift) {
      if (size == plannedAt.length) {
        plannedAt = Arrays.copyOf(plannedAt, size * 2);
        driftMicros = Arrays.copyOf(driftMicros, size * 2);
      }
      plannedAt[size] = planned;
      driftMicros[size] = drift;
      size++;
    }
  }

  private final Map<String, JobTicks> dispatched = new HashMap<>();
  private final Map<String, JobTicks> received = new HashMap<>();
  private final Recorder arrivalLive = new Recorder(SignedHistogram.MAX_MICROS, 3);
  private final LongAdder receipts = new LongAdder();
  private final LongAdder unknownReceipts = new LongAdder();
  private volatile long measureFromMs = Long.MAX_VALUE;
  private volatile long measureToMs = Long.MAX_VALUE;
  private volatile long missedByController;

  public TickCollector(List<String> jobIds) {
    for (String id : jobIds) {
      dispatched.put(id, new JobTicks());
      received.put(id, new JobTicks());
    }
  }

  /** The measured span: the controller's own missed count covers it, as the accounting does. */
  public void measure(long fromMs, long toMs) {
    measureFromMs = fromMs;
    measureToMs = toMs;
  }

  @Override
  public void fired(String jobId, long plannedAt, long driftNanos) {
    JobTicks job = dispatched.get(jobId);
    if (job != null) {
      job.add(plannedAt, driftNanos / 1_000);
    }
  }

  @Override
  @SuppressWarnings("NonAtomicVolatileUpdate") // one writer: the timer thread
  public void missed(String jobId, long plannedAt) {
    if (plannedAt >= measureFromMs && plannedAt < measureToMs) {
      missedByController++;
    }
  }

  /** A tick as its receiver got it; called from any number of receiver threads. */
  @Override
  public void record(DriftProbe.Receipt receipt) {
    receipts.increment();
    JobTicks job = received.get(receipt.jobId());
    if (job == null) {
      unknownReceipts.increment();
      return;
    }
    long arrival = receipt.arrivalDriftMicros();
    synchronized (job) {
      job.add(receipt.plannedAt(), arrival);
    }
    arrivalLive.recordValue(Math.min(Math.max(arrival, 0), SignedHistogram.MAX_MICROS));
  }

  /** Receipts of every job so far, duplicates included. */
  public long receipts() {
    return receipts.sum();
  }

  /** Receipts naming a job the plan does not have: none, unless something invents ticks. */
  public long unknownReceipts() {
    return unknownReceipts.sum();
  }

  /** Ticks the controller itself counted as missed within the measured span. */
  public long missedByController() {
    return missedByController;
  }

  /** Arrival drift since the last call, early arrivals as 0, for the progress line. */
  public Histogram liveArrival(Histogram recycle) {
    return arrivalLive.getIntervalHistogram(recycle);
  }

  /** Only after the runtime has stopped. */
  JobTicks dispatchedOf(String jobId) {
    return dispatched.get(jobId);
  }

  /** Only after the runtime has stopped. */
  JobTicks receivedOf(String jobId) {
    JobTicks job = received.get(jobId);
    synchronized (job) {
      return job;
    }
  }
}
