package dev.subminute.loadtest.bench;

import dev.subminute.loadtest.Accounting;
import dev.subminute.model.Job;
import dev.subminute.model.TickGrid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a loopback Lambda endpoint received: for each job, the planned instant of every invoke and
 * the endpoint's own clock reading at its arrival. Counted against the jobs' grids, keyed by
 * (jobId, plannedAt): planned, fired, missed, duplicated, off the grid; arrival drift is arrival
 * minus planned, signed, and transit is arrival minus the timer's firing (the event's {@code
 * firedAt}, read from the same machine's clock): the part of the drift spent after the timer.
 */
final class Receipts {
  private final Map<String, JobReceipts> byJob = new HashMap<>();
  private final AtomicInteger jobsSeen = new AtomicInteger();
  private final LongAdder unknownJobs = new LongAdder();
  private final LongAdder received = new LongAdder();

  /**
   * The measured span: counts, every arrival drift in it, sorted, in microseconds, every transit,
   * sorted, how many planned instants were missed in each second of the span (seconds with none
   * left out), and the planned instants as the arrivals grouped them.
   */
  record Span(
      Accounting.Counts counts,
      long[] driftMicros,
      long[] transitMicros,
      Map<Long, Integer> missedBySecond,
      Map<Long, Integer> lateBySecond,
      Instants instants) {
    /** Nearest-rank percentile of the drift; {@code percent} 100 is the maximum. */
    long driftAt(double percent) {
      return at(driftMicros, percent);
    }

    long transitAt(double percent) {
      return at(transitMicros, percent);
    }

    /** Nearest-rank percentile of sorted values; {@code percent} 100 is the maximum. */
    static long at(long[] sorted, double percent) {
      if (sorted.length == 0) {
        throw new IllegalStateException("no invoke arrived in the measured span");
      }
      int rank = (int) Math.ceil(percent / 100 * sorted.length);
      return sorted[Math.max(0, rank - 1)];
    }
  }

  /**
   * The ticks that share a planned instant leave one host's core one after another. Three
   * distributions over the planned instants of the span, each sorted on its own: how many ticks
   * arrived for an instant (duplicates and ticks off the grid included), how late the first of them
   * arrived, and, where more than one did, the mean gap between consecutive arrivals (the last's
   * drift minus the first's, over one fewer than the ticks), in microseconds.
   */
  record Instants(long[] ticks, long[] firstDriftMicros, long[] spacingMicros) {
    /**
     * Groups (planned instant, drift) pairs; a drift below 0 (an arrival before its instant) counts
     * as 0, so an instant with early arrivals shows a smaller gap than it had.
     *
     * @param plannedMs planned instants as milliseconds from the span's start, under {@value
     *     #LONGEST_SPAN_MS}
     */
    static Instants of(long[] plannedMs, long[] driftMicros, int n) {
      long[] keyed = new long[n];
      for (int i = 0; i < n; i++) {
        if (plannedMs[i] < 0 || plannedMs[i] >= LONGEST_SPAN_MS) {
          throw new IllegalArgumentException(
              "a planned instant " + plannedMs[i] + " ms from the span's start is outside it");
        }
        keyed[i] = plannedMs[i] << DRIFT_BITS | Math.min(Math.max(driftMicros[i], 0), DRIFT_MASK);
      }
      Arrays.sort(keyed);
      long[] ticks = new long[n];
      long[] first = new long[n];
      long[] spacing = new long[n];
      int instants = 0;
      int spaced = 0;
      for (int start = 0, end; start < n; start = end) {
        long instant = keyed[start] >>> DRIFT_BITS;
        end = start + 1;
        while (end < n && keyed[end] >>> DRIFT_BITS == instant) {
          end++;
        }
        int count = end - start;
        ticks[instants] = count;
        first[instants++] = keyed[start] & DRIFT_MASK;
        if (count > 1) {
          spacing[spaced++] =
              ((keyed[end - 1] & DRIFT_MASK) - (keyed[start] & DRIFT_MASK)) / (count - 1);
        }
      }
      return new Instants(
          sorted(ticks, instants), sorted(first, instants), sorted(spacing, spaced));
    }
  }

  /** The first {@code n} values, sorted, in an array of their own. */
  private static long[] sorted(long[] values, int n) {
    long[] copy = Arrays.copyOf(values, n);
    Arrays.sort(copy);
    return copy;
  }

  /** Drifts up to 2^40 µs (12 days) share a long with a span's planned millisecond. */
  private static final int DRIFT_BITS = 40;

  private static final long DRIFT_MASK = (1L << DRIFT_BITS) - 1;

  /** The planned milliseconds that fit beside the drift in a positive long: about 2.3 hours. */
  static final long LONGEST_SPAN_MS = 1L << (63 - DRIFT_BITS);

  private static final class JobReceipts {
    long[] plannedAt = new long[16];
    long[] firedAtMicros = new long[16];
    long[] arrivalMicros = new long[16];
    int size;

    synchronized boolean add(long planned, long firedAt, long arrival) {
      if (size == plannedAt.length) {
        plannedAt = Arrays.copyOf(plannedAt, size * 2);
        firedAtMicros = Arrays.copyOf(firedAtMicros, size * 2);
        arrivalMicros = Arrays.copyOf(arrivalMicros, size * 2);
      }
      plannedAt[size] = planned;
      firedAtMicros[size] = firedAt;
      arrivalMicros[size] = arrival;
      return ++size == 1;
    }
  }

  Receipts(List<String> jobIds) {
    jobIds.forEach(id -> byJob.put(id, new JobReceipts()));
  }

  void record(String jobId, long plannedAt, long firedAtMicros, long arrivalMicros) {
    received.increment();
    JobReceipts job = byJob.get(jobId);
    if (job == null) {
      unknownJobs.increment();
    } else if (job.add(plannedAt, firedAtMicros, arrivalMicros)) {
      jobsSeen.incrementAndGet();
    }
  }

  /** Invokes received, of known jobs or not. */
  long received() {
    return received.sum();
  }

  /** Jobs with at least one invoke received. */
  int jobsSeen() {
    return jobsSeen.get();
  }

  /** Invokes naming a job that is not in the plan. */
  long unknownJobs() {
    return unknownJobs.sum();
  }

  /**
   * Counts the invokes planned in [fromMs, toMs) against each job's grid; those that arrived more
   * than {@code lateMicros} after their instant are counted by the second of the span they were
   * planned in.
   */
  Span span(List<Job> jobs, long fromMs, long toMs, long lateMicros) {
    List<Accounting.Counts> counts = new ArrayList<>(jobs.size());
    Map<Long, Integer> missedBySecond = new TreeMap<>();
    Map<Long, Integer> lateBySecond = new TreeMap<>();
    long[] drift = new long[64];
    long[] transit = new long[64];
    long[] plannedInSpan = new long[64];
    int n = 0;
    for (Job job : jobs) {
      JobReceipts r = byJob.get(job.jobId());
      synchronized (r) {
        counts.add(Accounting.count(job, Arrays.copyOf(r.plannedAt, r.size), null, fromMs, toMs));
        long[] received = Arrays.copyOf(r.plannedAt, r.size);
        Arrays.sort(received);
        for (long t = TickGrid.nextAfter(job, fromMs - 1);
            t < toMs;
            t = TickGrid.nextAfter(job, t)) {
          if (Arrays.binarySearch(received, t) < 0) {
            missedBySecond.merge((t - fromMs) / 1_000, 1, Integer::sum);
          }
        }
        for (int i = 0; i < r.size; i++) {
          if (r.plannedAt[i] >= fromMs && r.plannedAt[i] < toMs) {
            if (n == drift.length) {
              drift = Arrays.copyOf(drift, n * 2);
              transit = Arrays.copyOf(transit, n * 2);
              plannedInSpan = Arrays.copyOf(plannedInSpan, n * 2);
            }
            plannedInSpan[n] = r.plannedAt[i] - fromMs;
            transit[n] = r.arrivalMicros[i] - r.firedAtMicros[i];
            drift[n] = r.arrivalMicros[i] - r.plannedAt[i] * 1_000;
            if (drift[n] > lateMicros) {
              lateBySecond.merge((r.plannedAt[i] - fromMs) / 1_000, 1, Integer::sum);
            }
            n++;
          }
        }
      }
    }
    return new Span(
        Accounting.total(counts),
        sorted(drift, n),
        sorted(transit, n),
        missedBySecond,
        lateBySecond,
        Instants.of(plannedInSpan, drift, n));
  }
}
