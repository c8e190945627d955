package dev.subminute.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.Job;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountingTest {
  static final Job JOB = Job.builder("j", "drift-probe", 1_000).offsetMs(250).build();

  @Test
  void a_planned_instant_without_a_receipt_is_missed() {
    long[] received = {1_250, 2_250, 4_250};
    assertEquals(
        new Accounting.Counts(4, 3, 1, 0, 0, 3, 0),
        Accounting.count(JOB, received, received, 1_000, 5_000));
  }

  @Test
  void receipts_and_dispatches_are_counted_apart() {
    long[] received = {2_250, 1_250, 1_250, 1_700, 3_250};
    long[] dispatched = {1_250, 1_700, 2_250, 3_250, 4_250, 4_250};
    Accounting.Counts c = Accounting.count(JOB, received, dispatched, 1_000, 5_000);
    assertEquals(4, c.planned());
    assertEquals(4, c.fired(), "distinct keys received, the off-grid one among them");
    assertEquals(1, c.missed(), "4_250 never arrived");
    assertEquals(1, c.duplicated(), "1_250 arrived twice");
    assertEquals(1, c.offGrid(), "1_700 is not on the grid");
    assertEquals(5, c.dispatched(), "distinct keys dispatched");
    assertEquals(1, c.lostInDispatch(), "4_250 dispatched, never received");
  }

  @Test
  void a_tick_the_controller_never_dispatched_is_missed_but_not_lost() {
    long[] received = {1_250};
    long[] dispatched = {1_250};
    Accounting.Counts c = Accounting.count(JOB, received, dispatched, 1_000, 3_000);
    assertEquals(1, c.missed());
    assertEquals(0, c.lostInDispatch());
  }

  @Test
  void ticks_outside_the_span_are_ignored_and_no_dispatch_record_means_unknown() {
    long[] received = {250, 1_250, 9_250};
    assertEquals(
        new Accounting.Counts(1, 1, 0, 0, 0, -1, -1),
        Accounting.count(JOB, received, null, 1_000, 2_000));
    assertEquals(
        -1,
        Accounting.total(
                List.of(
                    Accounting.count(JOB, received, null, 1_000, 2_000),
                    Accounting.count(JOB, received, received, 1_000, 2_000)))
            .lostInDispatch());
  }

  @Test
  void signed_percentiles_read_across_early_and_late_arrivals() {
    SignedHistogram h = new SignedHistogram();
    for (long v = -300; v < 700; v++) {
      h.record(v);
    }
    assertEquals(1_000, h.count());
    assertEquals(300, h.earlyCount());
    assertEquals(-300, h.min());
    assertEquals(699, h.max());
    assertEquals(-300, h.valueAtPercentile(0));
    assertEquals(-201, h.valueAtPercentile(10));
    assertEquals(-1, h.valueAtPercentile(30));
    assertEquals(0, h.valueAtPercentile(30.1));
    assertEquals(199, h.valueAtPercentile(50));
    assertEquals(689, h.valueAtPercentile(99));
    assertEquals(699, h.valueAtPercentile(100));
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
    assertEquals(
        new dev.subminute.model.ProfileRule(
            java.util.Set.of(java.time.DayOfWeek.THURSDAY), 21 * 60 + 7, 22 * 60 + 7, 250),
        rule);
    var lateRule = LoadPlan.switchRule(java.time.Instant.parse("2026-11-26T23:30:00Z"), 250);
    assertEquals(23 * 60 + 30, lateRule.fromMinute());
    assertEquals(dev.subminute.model.ProfileRule.MINUTES_PER_DAY, lateRule.toMinute());
  }
}
