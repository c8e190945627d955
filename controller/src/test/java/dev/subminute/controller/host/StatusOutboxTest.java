package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.time.WallClock;
import dev.subminute.model.JobStatus;
import dev.subminute.model.testing.Await;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StatusOutboxTest {
  private static final long A_MINUTE = TimeUnit.MINUTES.toNanos(1);

  /** One write as the sink received it. */
  record Write(String jobId, StatusChange change, long atNanos) {}

  private final List<Write> writes = new CopyOnWriteArrayList<>();
  private final JobStatusSink sink =
      (jobId, change, nowMs) -> writes.add(new Write(jobId, change, System.nanoTime()));

  private static StatusChange oneTick() {
    return StatusChange.counts(1_000L, 1, 0, 0, 0.5);
  }

  private static StatusChange running() {
    return StatusChange.status(JobStatus.RUNNING, "every 1 s", true);
  }

  private void awaitWrites(int count, long timeoutMs) throws InterruptedException {
    Await.until(count + " writes", timeoutMs, () -> writes.size() >= count);
    assertEquals(count, writes.size());
  }

  private static void submitToTwentyJobs(StatusOutbox outbox, StatusChange change) {
    for (int i = 0; i < 20; i++) {
      outbox.submit("job-" + i, change);
    }
  }

  private static boolean writerAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith(name) && t.isAlive());
  }

  @Test
  void counts_leave_no_faster_than_the_pace_however_many_writers_wait() throws Exception {
    long start = System.nanoTime();
    try (StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 4, 50, "test-status")) {
      submitToTwentyJobs(outbox, oneTick());
      awaitWrites(20, 10_000);
    }
    // turns 20 ms apart, the first no sooner than the submits: the k-th write k × 20 ms after them
    long[] msAfterStart =
        writes.stream()
            .mapToLong(w -> TimeUnit.NANOSECONDS.toMillis(w.atNanos() - start))
            .sorted()
            .toArray();
    for (int k = 0; k < msAfterStart.length; k++) {
      assertTrue(
          msAfterStart[k] >= k * 20L, "write " + k + " at " + msAfterStart[k] + " ms after start");
    }
  }

  @Test
  void status_changes_are_not_paced() throws Exception {
    try (StatusOutbox outbox =
        new StatusOutbox(sink, WallClock.SYSTEM, 4, A_MINUTE, "test-status")) {
      submitToTwentyJobs(outbox, running());
      // paced at one a minute they would take 19 minutes
      awaitWrites(20, 15_000);
    }
  }

  @Test
  void counts_submitted_while_a_job_waits_for_its_turn_are_written_with_it() throws Exception {
    try (StatusOutbox outbox =
        new StatusOutbox(sink, WallClock.SYSTEM, 1, A_MINUTE, "test-status")) {
      outbox.submit("first", oneTick());
      outbox.submit("waiting", oneTick());
      awaitWrites(1, 5_000);
      // "waiting" is now a minute from its turn
      outbox.submit("waiting", oneTick());
      outbox.submit("waiting", oneTick());
      assertTrue(outbox.flush(5_000), "flushed within 5 s");
    }
    assertEquals(2, writes.size(), "one write per job: " + writes);
    assertEquals("waiting", writes.get(1).jobId());
    assertEquals(3, writes.get(1).change().ticks());
  }

  @Test
  void flush_writes_the_backlog_at_once_and_the_pace_comes_back_after() throws Exception {
    try (StatusOutbox outbox =
        new StatusOutbox(sink, WallClock.SYSTEM, 4, A_MINUTE, "test-status")) {
      submitToTwentyJobs(outbox, oneTick());
      assertTrue(outbox.flush(5_000), "flushed within 5 s; pending: " + outbox.pending());
      assertEquals(20, writes.size());

      outbox.submit("after-flush", oneTick());
      Thread.sleep(1_000);
      assertEquals(20, writes.size(), "written a minute before its turn");
    }
  }

  @Test
  void flush_waits_for_a_write_in_flight() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JobStatusSink slow =
        (jobId, change, nowMs) -> {
          entered.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          writes.add(new Write(jobId, change, System.nanoTime()));
          return true;
        };
    try (StatusOutbox outbox = new StatusOutbox(slow, WallClock.SYSTEM, 1, 50, "test-status")) {
      outbox.submit("slow", running());
      assertTrue(entered.await(5, TimeUnit.SECONDS), "the write started");
      assertEquals(0, outbox.pending(), "taken from the pending changes");

      assertFalse(outbox.flush(300), "flushed while the write was still in flight");
      release.countDown();
      assertTrue(outbox.flush(5_000), "flushed once the write returned");
      assertEquals(1, writes.size());
    }
  }

  @Test
  void closing_wakes_a_writer_waiting_for_its_turn_and_it_writes_nothing_more() throws Exception {
    StatusOutbox outbox = new StatusOutbox(sink, WallClock.SYSTEM, 1, A_MINUTE, "test-closing");
    outbox.submit("first", oneTick());
    outbox.submit("waiting", oneTick());
    awaitWrites(1, 5_000);

    outbox.close();
    Await.until(
        "the writer waiting for a turn a minute away to end",
        5_000,
        () -> !writerAlive("test-closing"));
    assertEquals(1, writes.size(), "written after close: " + writes);
    assertEquals(1, outbox.pending(), "the waiting change stays unwritten");
  }
}
