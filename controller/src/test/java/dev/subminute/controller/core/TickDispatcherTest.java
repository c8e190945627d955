package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
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
}
