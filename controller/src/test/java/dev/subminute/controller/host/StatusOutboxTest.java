package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.time.WallClock;
import dev.subminute.model.JobStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusOutboxTest {
  /** One write as the sink received it. */
  record Write(String jobId, StatusChange change, long atNanos) {}

  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final JobStatusSink sink =
      (jobId, change, nowMs) -> writes.add(new Write(jobId, change, System.nanoTime()));

  private static StatusChange oneTick() {
    return StatusChange.counts(1_000L, 1, 0, 0, 0.5);
  }

  private void awaitWrites(int count, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (writes.size() < count && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
    assertEquals(count, writes.size(), "writes within " + timeoutMs + " ms");
  }

  private long lastWriteMsAfter(long startNanos) {
    long last = writes.stream().mapToLong(Write::atNanos).max().orElseThrow();
    return TimeUnit.NANOSECONDS.toMillis(last - startNanos);
  }

  @Test
  void counts_leave_no_faster_than_the_pace_however_many_writers_wait() throws Exception {
    long start = System.nanoTime();
    try (StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 4, 50, "test-status")) {
      for (int i = 0; i < 20; i++) {
        outbox.submit("job-" + i, oneTick());
      }
      awaitWrites(20, 10_000);
    }
    // 20 turns 20 ms apart, the first no sooner than the submits: the last 380 ms after them
    assertTrue(lastWriteMsAfter(start) >= 19 * 20, "20 paced writes in " + lastWriteMsAfter(start));
  }

  @Test
  void status_changes_are_not_paced() throws Exception {
    try (StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 4, 1, "test-status")) {
      for (int i = 0; i < 20; i++) {
        outbox.submit("job-" + i, StatusChange.status(JobStatus.RUNNING, "every 1 s", true));
      }
      // paced at one a second they would take 19 s
      awaitWrites(20, 5_000);
    }
  }

  @Test
  void counts_submitted_while_a_job_waits_for_its_turn_are_written_with_it() throws Exception {
    try (StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 1, 1, "test-status")) {
      outbox.submit("first", oneTick());
      outbox.submit("waiting", oneTick());
      awaitWrites(1, 5_000);
      // "waiting" is now a second from its turn
      outbox.submit("waiting", oneTick());
      outbox.submit("waiting", oneTick());
      awaitWrites(2, 5_000);
      Thread.sleep(1_200);
    }
    assertEquals(2, writes.size(), "one write per job: " + writes);
    assertEquals("waiting", writes.get(1).jobId());
    assertEquals(3, writes.get(1).change().ticks());
  }

  @Test
  void flush_writes_the_backlog_at_once_and_the_pace_comes_back_after() throws Exception {
    try (StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 4, 2, "test-status")) {
      for (int i = 0; i < 20; i++) {
        outbox.submit("job-" + i, oneTick());
      }
      // paced at two a second they would take 9.5 s
      assertTrue(outbox.flush(5_000), "flushed within 5 s; pending: " + outbox.pending());
      assertEquals(20, writes.size());
      long flushed = System.nanoTime();

      outbox.submit("after-1", oneTick());
      outbox.submit("after-2", oneTick());
      awaitWrites(22, 5_000);
      // paced again: the second's turn comes 500 ms after the first's, which is not before now
      assertTrue(
          lastWriteMsAfter(flushed) >= 500, "written " + lastWriteMsAfter(flushed) + " ms after");
    }
  }
}
