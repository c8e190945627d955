package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.TickGrid;
import org.junit.jupiter.api.Test;

/** The benchmark measures what its rows say: the cached segment is the profiled job's. */
class GridBenchmarkTest {

  @Test
  void the_cached_segment_row_times_the_profiled_jobs_segment_within_its_bounds() {
    GridBenchmark bench = new GridBenchmark();
    bench.setUp();
    assertEquals(
        TickGrid.segmentAt(GridBenchmark.PROFILED, GridBenchmark.WEEKDAY_MORNING),
        bench.profiledSegment);
    assertEquals(1_000, bench.profiledSegment.intervalMs(), "the weekday rule's interval");
    assertTrue(
        bench.profiledSegment.endExclusive() < Long.MAX_VALUE,
        "a profiled job's segment ends at a rule boundary; a plain job's never does");
    for (long instant : bench.withinSegment) {
      assertTrue(
          instant >= GridBenchmark.WEEKDAY_MORNING
              && instant < bench.profiledSegment.endExclusive());
      assertEquals(
          TickGrid.nextAfter(GridBenchmark.PROFILED, instant),
          bench.profiledSegment.nextAfter(instant),
          "the cached segment agrees with the full grid at " + instant);
    }
  }
}
