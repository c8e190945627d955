package dev.subminute.model;

import java.time.DayOfWeek;
import java.util.Set;

/**
 * One interval rule of a job's day profile: on {@code days}, from {@code fromMinute} (inclusive) to
 * {@code toMinute} (exclusive) of local time, ticks come every {@code intervalMs}. A rule whose
 * {@code toMinute} is not after {@code fromMinute} runs past midnight into the next day.
 */
public record ProfileRule(Set<DayOfWeek> days, int fromMinute, int toMinute, long intervalMs) {

  public static final int MINUTES_PER_DAY = 24 * 60;

  public ProfileRule {
    days = Set.copyOf(days);
  }

  public boolean crossesMidnight() {
    return toMinute <= fromMinute;
  }

  /** Whether the rule is in force at this local day and millisecond of the day. */
  public boolean matches(DayOfWeek day, long millisOfDay) {
    long from = fromMinute * 60_000L;
    long to = toMinute * 60_000L;
    if (!crossesMidnight()) {
      return days.contains(day) && millisOfDay >= from && millisOfDay < to;
    }
    return (days.contains(day) && millisOfDay >= from)
        || (days.contains(day.minus(1)) && millisOfDay < to);
  }
}
