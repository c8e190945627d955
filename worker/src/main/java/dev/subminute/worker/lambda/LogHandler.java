package dev.subminute.worker.lambda;

import dev.subminute.worker.LogWorker;

/** The {@code log} worker on Lambda. */
public final class LogHandler extends WorkerHandler {
  public LogHandler() {
    super(new LogWorker(System.out::println));
  }
}
