package dev.subminute.worker.lambda;

import dev.subminute.worker.HttpPoll;
import dev.subminute.worker.kit.DuplicateFilter;
import java.util.function.Consumer;

/** The {@code http-poll} worker on Lambda: one JSON log line per poll. */
public final class HttpPollHandler extends WorkerHandler {
  public HttpPollHandler() {
    this(stdout(), DuplicateFilter.fromEnvironment(stdout()));
  }

  HttpPollHandler(Consumer<String> out, DuplicateFilter duplicates) {
    super(new HttpPoll(result -> out.accept(LogLines.of(result))), duplicates, out);
  }
}
