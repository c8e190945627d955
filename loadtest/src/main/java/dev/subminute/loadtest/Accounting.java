package dev.subminute.loadtest;

import dev.subminute.model.Job;
import dev.subminute.model.TickGrid;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Counts one job's ticks within a span from three independent sources: the planned instants (the
 * grid of the job's item), the receipts (what the receiver got, keyed by plannedAt) and the
 * dispatches (what the controller handed to the invoker). Fired counts distinct receipts; missed
 * counts planned instants without a receipt; duplicated counts receipts beyond the first of a key;
 * off-grid counts received keys the grid never planned; lost-in-dispatch counts dispatched keys
 * never received.
 */
public final class Accounting {
  private Accounting() {}

  /** {@code dispatched} and {@code lostInDispatch} are -1 where no dispatch record exists. */
  public record Counts(
      long planned,
      long fired,
      long missed,
      long duplicated,
      long offGrid,
      long dispatched,
      long lostInDispatch) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0);

    public Counts plus(Counts o) {
      return new Counts(
          planned + o.planned,
          fired + o.fired,
          missed + o.missed,
          duplicated + o.duplicated,
          offGrid + o.offGrid,
          dispatched < 0 || o.dispatched < 0 ? -1 : dispatched + o.dispatched,
          lostInDispatch < 0 || o.lostInDispatch < 0 ? -1 : lostInDispatch + o.lostInDispatch);
    }

    /** Puts every count into a run's summary under its own name, from planned to lostInDispatch. */
    public void putInto(Map<String, Object> summary) {
      summary.put("planned", planned);
      summary.put("fired", fired);
      summary.put("missed", missed);
      summary.put("duplicated", duplicated);
      summary.put("offGrid", offGrid);
      summary.put("dispatched", dispatched);
      summary.put("lostInDispatch", lostInDispatch);
    }
  }

  /**
   * @param received planned instants of the job's receipts, duplicates included, any order
   * @param dispatched planned instants the controller dispatched, or null where none were recorded
   * @param fromMs start of the span, inclusive
   * @param toMs end of the span, exclusive
   */
  public static Counts count(Job job, long[] received, long[] dispatched, long fromMs, long toMs) {
    long[] got = within(received, fromMs, toMs);
    long[] keys = distinct(got);
    long planned = 0;
    long missed = 0;
    long onGrid = 0;
    for (long next = TickGrid.nextAfter(job, fromMs - 1);
        next < toMs;
        next = TickGrid.nextAfter(job, next)) {
      planned++;
      if (Arrays.binarySearch(keys, next) >= 0) {
        onGrid++;
      } else {
        missed++;
      }
    }
    long sent = -1;
    long lost = -1;
    if (dispatched != null) {
      long[] sentKeys = distinct(within(dispatched, fromMs, toMs));
      sent = sentKeys.length;
      lost = Arrays.stream(sentKeys).filter(k -> Arrays.binarySearch(keys, k) < 0).count();
    }
    return new Counts(
        planned, keys.length, missed, got.length - keys.length, keys.length - onGrid, sent, lost);
  }

  public static Counts total(List<Counts> counts) {
    return counts.stream().reduce(Counts.NONE, Counts::plus);
  }

  private static long[] within(long[] plannedAt, long fromMs, long toMs) {
    return Arrays.stream(plannedAt).filter(p -> p >= fromMs && p < toMs).sorted().toArray();
  }

  private static long[] distinct(long[] sorted) {
    return Arrays.stream(sorted).distinct().toArray();
  }
}
