package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class WakeupFloorTest {

  @Test
  void wakes_once_per_period_of_the_duration() {
    assertEquals(30, WakeupFloor.measure(10, 300).getTotalCount());
  }

  @Test
  void figures_give_the_percentiles_and_count_wakeups_past_10_ms() {
    Histogram late = new Histogram(60_000_000L, 3);
    for (int i = 0; i < 997; i++) {
      late.recordValue(200);
    }
    late.recordValue(9_000);
    late.recordValue(10_000);
    late.recordValue(31_640);

    Map<String, Object> figures = WakeupFloor.figures(late);

    assertEquals(1000L, figures.get("wakeups"));
    assertEquals(0.2, (double) figures.get("p50Ms"), 0.001);
    assertEquals(0.2, (double) figures.get("p99Ms"), 0.001);
    assertEquals(10.0, (double) figures.get("p999Ms"), 0.01);
    assertEquals(31.64, (double) figures.get("maxMs"), 0.05);
    assertEquals(1L, figures.get("over10Ms"));
  }
}
