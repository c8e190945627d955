package dev.subminute.worker.lambda;

import dev.subminute.worker.HttpPoll;

/** The {@code http-poll} worker on Lambda: one JSON log line per poll. */
public final class HttpPollHandler extends WorkerHandler {
  public HttpPollHandler() {
    super(new HttpPoll(result -> System.out.println(LogLines.of(result))));
  }
}
