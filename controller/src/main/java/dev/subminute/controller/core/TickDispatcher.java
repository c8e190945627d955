package dev.subminute.controller.core;

import dev.subminute.model.Job;
import dev.subminute.model.WorkerEvent;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands each tick to the executor given, which builds the worker event and starts the invoke. On
 * Lambda that is a pool apart from the timer thread, so that no invoke, however slow, failing or
 * throttled, delays any tick; the embedded runtime passes {@code Runnable::run}, because its Lambda
 * stand-in only queues the invoke on the worker's own pool.
 */
public final class TickDispatcher {
  private final WorkerInvoker invoker;
  private final Executor pool;

  public TickDispatcher(WorkerInvoker invoker, Executor pool) {
    this.invoker = invoker;
    this.pool = pool;
  }

  /**
   * One thread apart from the timer with at most {@code capacity} ticks waiting for it: a host
   * given more ticks than its core can send loses the excess, counted as failed invokes, instead of
   * queueing them until its heap is full and every job misses.
   */
  public static ExecutorService boundedThread(ThreadFactory threads, int capacity) {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), threads);
    // started now, by the caller: a thread started by one at a lower priority would inherit its
    // nice value, which an unprivileged process cannot raise again (BackgroundThreads)
    pool.prestartAllCoreThreads();
    return pool;
  }

  /** How long before its instant a tick is dispatched: the invoker's time to prepare it. */
  long prepareAheadNanos() {
    return invoker.prepareAheadNanos();
  }

  void dispatch(
      JobTimer timer,
      Job job,
      long plannedAt,
      long intervalMs,
      long firedAtMicros,
      long sendAtNanos) {
    try {
      pool.execute(() -> invoke(timer, job, plannedAt, intervalMs, firedAtMicros, sendAtNanos));
    } catch (RejectedExecutionException saturated) {
      timer.invokeFailed();
    }
  }

  private void invoke(
      JobTimer timer,
      Job job,
      long plannedAt,
      long intervalMs,
      long firedAtMicros,
      long sendAtNanos) {
    WorkerEvent event =
        new WorkerEvent(
            job.jobId(), plannedAt, firedAtMicros, intervalMs, job.payloadJson(), timer.execution);
    try {
      invoker
          .invoke(job.workerArn(), event, sendAtNanos)
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  timer.invokeFailed();
                }
              });
    } catch (RuntimeException e) {
      timer.invokeFailed();
    }
  }
}
