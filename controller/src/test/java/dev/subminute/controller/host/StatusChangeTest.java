package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.subminute.model.JobStatus;
import org.junit.jupiter.api.Test;

class StatusChangeTest {
  @Test
  void two_status_changes_without_a_tick_merge_into_the_newer() {
    StatusChange running = StatusChange.status(JobStatus.RUNNING, "every 1 s", true);
    StatusChange stopped = StatusChange.status(JobStatus.STOPPED, "running = false", false);

    StatusChange merged = running.then(stopped);

    assertEquals(JobStatus.STOPPED, merged.status());
    assertEquals("running = false", merged.reason());
    assertFalse(merged.whileRunning());
    assertNull(merged.lastTickAt());
    assertFalse(merged.hasCounts());
  }

  @Test
  void counts_add_up_and_the_latest_tick_wins_whichever_side_has_one() {
    StatusChange first = StatusChange.counts(1_000L, 1, 0, 0, 1.5);
    StatusChange none = StatusChange.status(JobStatus.RUNNING, "every 1 s", true);
    StatusChange second = StatusChange.counts(3_000L, 2, 1, 1, null);

    assertEquals(Long.valueOf(1_000L), first.then(none).lastTickAt());
    assertEquals(Long.valueOf(1_000L), none.then(first).lastTickAt());
    StatusChange merged = first.then(none).then(second);
    assertEquals(Long.valueOf(3_000L), merged.lastTickAt());
    assertEquals(3, merged.ticks());
    assertEquals(1, merged.missed());
    assertEquals(1, merged.invokeErrors());
    assertEquals(1.5, merged.driftP99Ms());
    assertEquals(JobStatus.RUNNING, merged.status());
  }
}
