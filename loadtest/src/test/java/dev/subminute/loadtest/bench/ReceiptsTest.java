package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.subminute.loadtest.Accounting;
import dev.subminute.model.Job;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReceiptsTest {
  static final Job A = Job.builder("a", "drift-probe", 1_000).build();
  static final Job B = Job.builder("b", "drift-probe", 500).offsetMs(100).build();

  @Test
  void counts_the_span_against_each_grid_and_keeps_drift_signed() {
    Receipts receipts = new Receipts(List.of("a", "b"));
    receipts.record("a", 1_000, 1_000_000 + 100, 1_000_000 + 700);
    receipts.record("a", 2_000, 2_000_000 - 500, 2_000_000 - 300); // arrived before its instant
    receipts.record("a", 2_000, 2_000_000 + 3_000, 2_000_000 + 4_000); // a duplicate
    receipts.record("b", 1_100, 1_100_000 + 200, 1_100_000 + 1_200);
    receipts.record("b", 1_350, 1_350_000 + 600, 1_350_000 + 900); // off the grid
    receipts.record("b", 3_100, 3_100_000, 3_100_000 + 50); // after the span
    receipts.record("c", 1_000, 1_000_000, 1_000_000); // not a planned job

    Receipts.Span span = receipts.span(List.of(A, B), 1_000, 3_000, 1_000);

    // a: 1000, 2000; b: 1100, 1600, 2100, 2600
    // received: 3 on the grid and 1 off it; no dispatch record here
    assertEquals(new Accounting.Counts(6, 4, 3, 1, 1, -1, -1), span.counts());
    assertArrayEquals(new long[] {-300, 700, 900, 1_200, 4_000}, span.driftMicros());
    assertEquals(-300, span.driftAt(0));
    assertEquals(900, span.driftAt(50));
    assertEquals(4_000, span.driftAt(99));
    assertEquals(4_000, span.driftAt(100));
    // arrival minus firing: 600, 200, 1000, 1000, 300
    assertArrayEquals(new long[] {200, 300, 600, 1_000, 1_000}, span.transitMicros());
    assertEquals(600, span.transitAt(50));
    assertEquals(Map.of(0L, 1, 1L, 2), span.missedBySecond()); // b's 1600; b's 2100 and 2600
    // later than 1 ms: b's 1100 (1.2 ms) in second 0, a's duplicate 2000 (4 ms) in second 1
    assertEquals(Map.of(0L, 1, 1L, 1), span.lateBySecond());
    assertEquals(2, receipts.jobsSeen());
    assertEquals(1, receipts.unknownJobs());
  }

  @Test
  void groups_the_arrivals_by_planned_instant_and_spaces_each_group() {
    Job c = Job.builder("c", "drift-probe", 1_000).build();
    Receipts receipts = new Receipts(List.of("a", "c"));
    // instant 1000: c at 0.4 ms, a at 1.0 ms; instant 2000: a alone at 2.5 ms, c missing
    receipts.record("c", 1_000, 1_000_000, 1_000_000 + 400);
    receipts.record("a", 1_000, 1_000_000, 1_000_000 + 1_000);
    receipts.record("a", 2_000, 2_000_000, 2_000_000 + 2_500);

    Receipts.Instants instants = receipts.span(List.of(A, c), 1_000, 3_000, 1_000).instants();

    assertArrayEquals(new long[] {1, 2}, instants.ticks());
    assertArrayEquals(new long[] {400, 2_500}, instants.firstDriftMicros());
    assertArrayEquals(new long[] {600}, instants.spacingMicros());
  }

  @Test
  void an_instant_of_many_ticks_is_spaced_by_its_first_and_last_arrival() {
    long[] planned = {5, 5, 5, 5, 9};
    long[] drift = {700, 100, -50, 400, 30}; // an early arrival counts as 0
    Receipts.Instants instants = Receipts.Instants.of(planned, drift, planned.length);

    assertArrayEquals(new long[] {1, 4}, instants.ticks());
    assertArrayEquals(new long[] {0, 30}, instants.firstDriftMicros());
    assertArrayEquals(new long[] {700 / 3}, instants.spacingMicros());
  }

  @Test
  void each_distribution_is_sorted_on_its_own() {
    // instant 1: 3 ticks, first at 900, gap 200; instant 2: 2 ticks, first at 100, gap 50
    long[] planned = {1, 1, 1, 2, 2};
    long[] drift = {1_300, 900, 1_100, 150, 100};
    Receipts.Instants instants = Receipts.Instants.of(planned, drift, planned.length);

    assertArrayEquals(new long[] {2, 3}, instants.ticks());
    assertArrayEquals(new long[] {100, 900}, instants.firstDriftMicros());
    assertArrayEquals(new long[] {50, 200}, instants.spacingMicros());
  }

  @Test
  void a_planned_instant_outside_the_span_is_refused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Receipts.Instants.of(new long[] {-1}, new long[] {0}, 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> Receipts.Instants.of(new long[] {Receipts.LONGEST_SPAN_MS}, new long[] {0}, 1));
  }

  @Test
  void handovers_are_the_window_ends_inside_the_span() {
    // windows of 60 s from 10_000: hosts change at 70_000, 130_000, 190_000
    assertEquals(1, HostCapacityBenchmark.handoversBetween(10_000, 60_000, 20_000, 80_000));
    assertEquals(2, HostCapacityBenchmark.handoversBetween(10_000, 60_000, 70_000, 190_000));
    assertEquals(0, HostCapacityBenchmark.handoversBetween(10_000, 60_000, 11_000, 70_000));
    assertEquals(3, HostCapacityBenchmark.handoversBetween(10_000, 60_000, 10_000, 190_001));
    assertEquals(
        List.of(50L, 110L), HostCapacityBenchmark.handoverSeconds(10_000, 60_000, 20_000, 180_000));
  }
}
