package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.testing.FakeTimeSource;
import dev.subminute.model.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TickDispatcherTest {

  @Test
  void a_bounded_dispatch_thread_refuses_ticks_past_its_capacity_instead_of_queueing_them()
      throws Exception {
    ExecutorService pool = TickDispatcher.boundedThread(Executors.defaultThreadFactory(), 2);
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try {
      pool.execute(
          () -> {
            sending.countDown();
            awaitQuietly(release);
          });
      assertTrue(sending.await(5, TimeUnit.SECONDS));
      pool.execute(() -> {});
      pool.execute(() -> {});
      assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> {}));
    } finally {
      release.countDown();
      pool.shutdown();
    }
    assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void a_tick_the_dispatch_thread_refuses_is_counted_as_a_failed_invoke() {
    FakeTimeSource time =
        new FakeTimeSource(Instant.parse("2026-01-05T00:00:00Z"), new ArrayList<>());
    Executor full =
        tick -> {
          throw new RejectedExecutionException("full");
        };
    TimerLoop loop =
        new TimerLoop(
            time,
            TimerLoopTranscriptTest.CONFIG,
            new TickDispatcher((worker, event) -> CompletableFuture.completedFuture(null), full),
            TickListener.NONE,
            Runnable::run);
    AtomicReference<WindowResult> result = new AtomicReference<>();
    loop.startWindow(
        Job.builder("j", "log", 1_000).build(),
        "exec-1",
        null,
        time.monoNanos() + 5_000_000_000L,
        result::set);
    for (int i = 0; i < 10_000 && result.get() == null; i++) {
      loop.runOnce();
    }

    assertTrue(result.get().fired() >= 4, result.get().toString());
    assertEquals(result.get().fired(), result.get().invokeErrors(), result.get().toString());
  }
}
