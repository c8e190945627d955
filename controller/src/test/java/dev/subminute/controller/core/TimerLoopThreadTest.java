package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.controller.testing.RecordingInvoker;
import dev.subminute.controller.time.TimeSource;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class TimerLoopThreadTest {

  /** The real clocks, recording which threads asked to be prepared. */
  static final class RecordingTime implements TimeSource {
    final LinkedBlockingQueue<String> prepared = new LinkedBlockingQueue<>();

    @Override
    public long monoNanos() {
      return System.nanoTime();
    }

    @Override
    public long wallMicros() {
      return System.currentTimeMillis() * 1_000;
    }

    @Override
    public void parkUntil(long deadlineNanos) {
      LockSupport.parkNanos(deadlineNanos - System.nanoTime());
    }

    @Override
    public void wake(Thread thread) {
      LockSupport.unpark(thread);
    }

    @Override
    public void prepareTimerThread() {
      prepared.add(Thread.currentThread().getName());
    }
  }

  @Test
  void the_timer_thread_is_prepared_once_by_its_own_time_source() throws Exception {
    RecordingTime time = new RecordingTime();
    TimerLoop loop =
        new TimerLoop(
                time,
                ControllerConfig.lambda(),
                new TickDispatcher(new RecordingInvoker(), Runnable::run),
                TickListener.NONE,
                Runnable::run)
            .start("prepared-timer");
    try {
      assertEquals("prepared-timer", time.prepared.poll(10, TimeUnit.SECONDS));
      Thread.sleep(100);
      assertEquals(List.of(), List.copyOf(time.prepared), "prepared once, not per turn");
    } finally {
      loop.close();
    }
  }
}
