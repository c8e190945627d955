package dev.subminute.loadtest;

import dev.subminute.model.Job;
import dev.subminute.model.TickGrid;
import java.util.Arrays;
import java.util.List;

/**
 * Counts ticks per (jobId, plannedAt) against the grid, not against what was fired: every planned
 * instant of the measured span is either fired or missed, a planned instant fired twice is a
 * duplicate, and a fired instant the grid never planned is off the grid.
 */
public final class Accounting {
  private Accounting() {}

  public record Counts(long planned, long fired, long missed, long duplicated, long offGrid) {
    public Counts plus(Counts o) {
      return new Counts(
          planned + o.planned,
          fired + o.fired,
          missed + o.missed,
          duplicated + o.duplicated,
          offGrid + o.offGrid);
    }

    public boolean balanced() {
      return planned == fired + missed;
    }
  }

  /**
   * @param firedPlannedAt the planned instants the controller fired for the job, in any order
   * @param fromMs start of the measured span, inclusive
   * @param toMs end of the measured span, exclusive
   */
  public static Counts count(
      Job job, long[] firedPlannedAt, int firedCount, long fromMs, long toMs) {
    long[] fired = Arrays.copyOf(firedPlannedAt, firedCount);
    Arrays.sort(fired);
    long planned = 0;
    long hit = 0;
    long duplicated = 0;
    long offGrid = 0;
    int i = 0;
    // skip what was fired before the span
    while (i < fired.length && fired[i] < fromMs) {
      i++;
    }
    long next = TickGrid.nextAfter(job, fromMs - 1);
    while (next < toMs) {
      planned++;
      while (i < fired.length && fired[i] < next) {
        offGrid++;
        i++;
      }
      int same = 0;
      while (i < fired.length && fired[i] == next) {
        same++;
        i++;
      }
      if (same > 0) {
        hit++;
        duplicated += same - 1;
      }
      next = TickGrid.nextAfter(job, next);
    }
    while (i < fired.length && fired[i] < toMs) {
      offGrid++;
      i++;
    }
    return new Counts(planned, hit, planned - hit, duplicated, offGrid);
  }

  public static Counts total(List<Counts> counts) {
    return counts.stream().reduce(new Counts(0, 0, 0, 0, 0), Counts::plus);
  }
}
