package dev.subminute.controller.core;

import dev.subminute.model.WorkerEvent;
import java.util.concurrent.CompletableFuture;

/** Sends a tick to a worker without waiting for the worker to run. */
public interface WorkerInvoker {

  /** Starts the invoke; the future completes when the invoke was accepted or failed. */
  CompletableFuture<Void> invoke(String workerArn, WorkerEvent event);
}
