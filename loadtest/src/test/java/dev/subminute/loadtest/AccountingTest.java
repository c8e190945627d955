package dev.subminute.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.Job;
import org.junit.jupiter.api.Test;

class AccountingTest {
  static final Job JOB = Job.builder("j", "drift-probe", 1_000).offsetMs(250).build();

  @Test
  void every_planned_instant_is_fired_or_missed() {
    long[] fired = {1_250, 2_250, 4_250};
    Accounting.Counts c = Accounting.count(JOB, fired, fired.length, 1_000, 5_000);
    assertEquals(new Accounting.Counts(4, 3, 1, 0, 0), c);
    assertTrue(c.balanced());
  }

  @Test
  void a_planned_instant_fired_twice_is_a_duplicate_and_off_grid_fires_are_counted() {
    long[] fired = {2_250, 1_250, 1_250, 1_700, 3_250};
    Accounting.Counts c = Accounting.count(JOB, fired, fired.length, 1_000, 4_000);
    assertEquals(3, c.planned());
    assertEquals(3, c.fired());
    assertEquals(1, c.duplicated());
    assertEquals(1, c.offGrid());
  }

  @Test
  void fires_outside_the_span_are_ignored() {
    long[] fired = {250, 1_250, 9_250};
    assertEquals(
        new Accounting.Counts(1, 1, 0, 0, 0),
        Accounting.count(JOB, fired, fired.length, 1_000, 2_000));
  }

  @Test
  void durations_and_ranges_parse_and_bad_ones_say_what_to_write() {
    assertEquals(250, Durations.millis("250ms"));
    assertEquals(5_000, Durations.millis("5s"));
    assertEquals(120_000, Durations.millis("2m"));
    assertEquals(100, Durations.range("100ms..5s")[0]);
    assertEquals(5_000, Durations.range("100ms..5s")[1]);
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Durations.millis("soon"));
    assertTrue(e.getMessage().contains("250ms"));
  }

  @Test
  void a_profile_switch_rule_covers_the_minute_it_names() {
    var rule = LoadPlan.switchRule(java.time.Instant.parse("2026-11-26T21:07:00Z"), 250);
    assertEquals("THU", rule.getDays());
    assertEquals("21:07", rule.getFrom());
    assertEquals("22:07", rule.getTo());
    assertEquals(250L, rule.getIntervalMs());
  }
}
