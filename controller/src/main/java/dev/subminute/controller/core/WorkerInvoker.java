package dev.subminute.controller.core;

import dev.subminute.model.WorkerEvent;
import java.util.concurrent.CompletableFuture;

/** Sends a tick to a worker without waiting for the worker to run. */
public interface WorkerInvoker {

  /** Starts the invoke; the future completes when the invoke was accepted or failed. */
  CompletableFuture<Void> invoke(String workerArn, WorkerEvent event);

  /**
   * How long before its instant this invoker wants a tick, to prepare the invoke, which then leaves
   * at the instant. Zero: ticks come at their instant and leave at once.
   */
  default long prepareAheadNanos() {
    return 0;
  }

  /**
   * Starts the invoke so that it leaves at the monotonic instant {@code sendAtNanos}, or at once
   * when that has passed. An invoker that prepares nothing ahead never gets a tick early, so it
   * sends at once.
   */
  default CompletableFuture<Void> invoke(String workerArn, WorkerEvent event, long sendAtNanos) {
    return invoke(workerArn, event);
  }
}
