package dev.subminute.worker.kit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.model.WorkerEvent;
import java.io.IOException;
import java.io.InputStream;

/**
 * One delivery of a tick: the worker event a controller sends, and its payload as JSON.
 *
 * @param payload the job item's payload; an empty object when the item has none
 */
public record Tick(WorkerEvent event, JsonNode payload) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Reads {@code {"jobId", "plannedAt", "firedAt", "intervalMs", "payload", "execution"}}; only
   * {@code jobId} and {@code plannedAt} are required.
   */
  public static Tick parse(InputStream in) throws IOException {
    JsonNode node = JSON.readTree(in);
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "the worker event is not a JSON object: send {\"jobId\": ..., \"plannedAt\": ...}");
    }
    JsonNode payload = node.path("payload");
    if (!payload.isObject()) {
      payload = JSON.createObjectNode();
    }
    WorkerEvent event =
        new WorkerEvent(
            required(node, "jobId").asText(),
            plannedAt(node),
            node.path("firedAt").asLong(),
            node.path("intervalMs").asLong(),
            payload.toString(),
            node.path("execution").asText(""));
    return new Tick(event, payload);
  }

  /** The tick of an event handed over in-process, its payload read from the event's JSON. */
  public static Tick of(WorkerEvent event) {
    JsonNode payload;
    try {
      payload = JSON.readTree(event.payloadJson());
    } catch (IOException e) {
      payload = null;
    }
    return new Tick(
        event, payload != null && payload.isObject() ? payload : JSON.createObjectNode());
  }

  private static long plannedAt(JsonNode node) {
    JsonNode v = required(node, "plannedAt");
    if (!v.canConvertToLong()) {
      throw new IllegalArgumentException(
          "the worker event's plannedAt must be epoch milliseconds as a number, not " + v);
    }
    return v.asLong();
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException("the worker event has no " + field + ": " + node);
    }
    return v;
  }
}
