package dev.subminute.model;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * The planned instants of a job: epoch milliseconds {@code t} with {@code (t - offsetMs) mod
 * interval == 0}, where {@code interval} is the one in force at {@code t}. Pure: depends only on
 * the job, never on when anyone asked.
 */
public final class TickGrid {

  private TickGrid() {}

  /** The first planned instant strictly after {@code epochMs}. */
  public static long nextAfter(Job job, long epochMs) {
    if (!job.hasProfile()) {
      return nextOnFixedGrid(epochMs, job.intervalMs(), job.offsetMs());
    }
    long from = epochMs;
    while (true) {
      GridSegment segment = segmentAt(job, from);
      long candidate = from == epochMs ? segment.nextAfter(epochMs) : segment.nextAfter(from - 1);
      if (candidate < segment.endExclusive()) {
        return candidate;
      }
      from = segment.endExclusive();
    }
  }

  /** How many planned instants lie strictly between {@code afterMs} and {@code beforeMs}. */
  public static long countBetween(Job job, long afterMs, long beforeMs) {
    long count = 0;
    long cursor = afterMs;
    while (cursor < beforeMs - 1) {
      GridSegment segment = segmentAt(job, cursor + 1);
      long limit = Math.min(segment.endExclusive(), beforeMs);
      long first = segment.nextAfter(cursor);
      if (first < limit) {
        count += (limit - 1 - first) / segment.intervalMs() + 1;
      }
      if (segment.endExclusive() >= beforeMs) {
        break;
      }
      cursor = segment.endExclusive() - 1;
    }
    return count;
  }

  /** The first instant strictly after {@code after} on the grid of one fixed interval. */
  public static long nextOnFixedGrid(long after, long intervalMs, long offsetMs) {
    return Math.floorDiv(after - offsetMs, intervalMs) * intervalMs + offsetMs + intervalMs;
  }

  /**
   * The interval in force at {@code epochMs}: the first profile rule that matches, else the base.
   */
  public static long intervalAt(Job job, long epochMs) {
    if (!job.hasProfile()) {
      return job.intervalMs();
    }
    LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), job.timezone());
    DayOfWeek day = local.getDayOfWeek();
    long millisOfDay = local.toLocalTime().toNanoOfDay() / 1_000_000;
    for (ProfileRule rule : job.profile()) {
      if (rule.matches(day, millisOfDay)) {
        return rule.intervalMs();
      }
    }
    return job.intervalMs();
  }

  /**
   * The interval in force at {@code epochMs} and the next instant after it at which another rule
   * may take over. Boundaries are local midnights, rule edges and the zone's offset transitions, so
   * a day profile stays correct across DST gaps and overlaps.
   */
  public static GridSegment segmentAt(Job job, long epochMs) {
    long interval = intervalAt(job, epochMs);
    if (!job.hasProfile()) {
      return new GridSegment(interval, job.offsetMs(), Long.MAX_VALUE);
    }
    return new GridSegment(interval, job.offsetMs(), nextBoundaryAfter(job, epochMs));
  }

  private static long nextBoundaryAfter(Job job, long epochMs) {
    ZoneRules rules = job.timezone().getRules();
    Instant now = Instant.ofEpochMilli(epochMs);
    long best = Long.MAX_VALUE;
    ZoneOffsetTransition transition = rules.nextTransition(now);
    if (transition != null) {
      best = transition.getInstant().toEpochMilli();
    }
    LocalDate today = LocalDate.ofInstant(now, job.timezone());
    for (LocalDate date = today.minusDays(1);
        !date.isAfter(today.plusDays(2));
        date = date.plusDays(1)) {
      best = earliestAfter(rules, date.atStartOfDay(), epochMs, best);
      for (ProfileRule rule : job.profile()) {
        best = earliestAfter(rules, atMinute(date, rule.fromMinute()), epochMs, best);
        best = earliestAfter(rules, atMinute(date, rule.toMinute()), epochMs, best);
      }
    }
    return best;
  }

  private static LocalDateTime atMinute(LocalDate date, int minuteOfDay) {
    return minuteOfDay >= ProfileRule.MINUTES_PER_DAY
        ? date.plusDays(1).atStartOfDay()
        : date.atTime(LocalTime.ofSecondOfDay(minuteOfDay * 60L));
  }

  /** The earliest instant after {@code epochMs} at which local time reads {@code local}. */
  private static long earliestAfter(ZoneRules rules, LocalDateTime local, long epochMs, long best) {
    var offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      // In a DST gap the local time never shows; the rule changes when the gap ends.
      return consider(rules.getTransition(local).getInstant().toEpochMilli(), epochMs, best);
    }
    for (ZoneOffset offset : offsets) {
      best = consider(local.toInstant(offset).toEpochMilli(), epochMs, best);
    }
    return best;
  }

  private static long consider(long candidate, long epochMs, long best) {
    return candidate > epochMs && candidate < best ? candidate : best;
  }
}
