package dev.subminute.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.subminute.model.WorkerEvent;
import java.util.function.Consumer;

/** {@code log}: writes each tick as one JSON line. */
public final class LogWorker implements Worker {
  public static final String NAME = "log";

  private final Consumer<String> out;

  public LogWorker(Consumer<String> out) {
    this.out = out;
  }

  @Override
  public void handle(WorkerEvent event, JsonNode payload) {
    out.accept(event.toJson());
  }
}
