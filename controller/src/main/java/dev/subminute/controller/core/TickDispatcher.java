package dev.subminute.controller.core;

import dev.subminute.model.Job;
import dev.subminute.model.WorkerEvent;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hands each tick from the timer thread to a pool that builds the worker event and starts the
 * invoke, so that no invoke, however slow, failing or throttled, delays any tick.
 */
public final class TickDispatcher {
  private final WorkerInvoker invoker;
  private final Executor pool;

  public TickDispatcher(WorkerInvoker invoker, Executor pool) {
    this.invoker = invoker;
    this.pool = pool;
  }

  void dispatch(JobTimer timer, Job job, long plannedAt, long intervalMs, long firedAtMicros) {
    try {
      pool.execute(() -> invoke(timer, job, plannedAt, intervalMs, firedAtMicros));
    } catch (RejectedExecutionException saturated) {
      timer.invokeFailed();
    }
  }

  private void invoke(
      JobTimer timer, Job job, long plannedAt, long intervalMs, long firedAtMicros) {
    WorkerEvent event =
        new WorkerEvent(
            job.jobId(), plannedAt, firedAtMicros, intervalMs, job.payloadJson(), timer.execution);
    try {
      invoker
          .invoke(job.workerArn(), event)
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
