package dev.subminute.worker.lambda;

import dev.subminute.worker.LogWorker;
import dev.subminute.worker.kit.DuplicateFilter;
import java.util.function.Consumer;

/** The {@code log} worker on Lambda. */
public final class LogHandler extends WorkerHandler {
  public LogHandler() {
    this(stdout(), DuplicateFilter.fromEnvironment(stdout()));
  }

  LogHandler(Consumer<String> out, DuplicateFilter duplicates) {
    super(new LogWorker(out), duplicates, out);
  }
}
