package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GcPausesTest {
  @Test
  void a_collection_counts_in_the_second_it_began_and_not_outside_the_span() throws Exception {
    try (GcPauses pauses = new GcPauses()) {
      long from = System.currentTimeMillis() - 2_000;
      System.gc();
      long to = System.currentTimeMillis() + 1;
      long deadline = System.nanoTime() + 5_000_000_000L;
      // the JVM reports a collection on its own thread, soon after it ends
      while (pauses.msBySecond(from, to).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      Map<Long, Long> bySecond = pauses.msBySecond(from, to);
      // counted from registration on, two seconds into the span
      assertTrue(
          !bySecond.isEmpty() && bySecond.keySet().stream().allMatch(s -> s >= 1 && s <= 2),
          bySecond.toString());
      long total = bySecond.values().stream().mapToLong(Long::longValue).sum();
      assertTrue(pauses.maxMs(from, to) <= total, pauses.maxMs(from, to) + " > " + total);
      assertEquals(Map.of(), pauses.msBySecond(to + 60_000, to + 120_000));
    }
  }
}
