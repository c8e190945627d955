package dev.subminute.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.model.WorkerEvent;
import java.io.IOException;
import java.io.InputStream;

/** Reads the worker event a controller sends. */
public final class WorkerEvents {
  static final ObjectMapper JSON = new ObjectMapper();

  private WorkerEvents() {}

  public record Parsed(WorkerEvent event, JsonNode payload) {}

  public static Parsed parse(InputStream in) throws IOException {
    JsonNode node = JSON.readTree(in);
    JsonNode payload = node.path("payload");
    WorkerEvent event =
        new WorkerEvent(
            required(node, "jobId").asText(),
            required(node, "plannedAt").asLong(),
            node.path("firedAt").asLong(),
            node.path("intervalMs").asLong(),
            payload.isMissingNode() ? "{}" : payload.toString(),
            node.path("execution").asText(""));
    return new Parsed(event, payload.isMissingNode() ? JSON.createObjectNode() : payload);
  }

  public static JsonNode payloadOf(WorkerEvent event) {
    try {
      return JSON.readTree(event.payloadJson());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("worker event has no " + field + ": " + node);
    }
    return v;
  }
}
