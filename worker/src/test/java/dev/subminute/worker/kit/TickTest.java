package dev.subminute.worker.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.subminute.model.WorkerEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TickTest {
  static Tick parse(String json) throws IOException {
    return Tick.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void the_lambda_event_parses_into_the_worker_event_and_its_payload() throws Exception {
    String json =
        "{\"jobId\":\"j\",\"plannedAt\":1000,\"firedAt\":1000050,\"intervalMs\":500,\"payload\":{\"url\":\"x\"},\"execution\":\"j-1\"}";
    Tick tick = parse(json);
    assertEquals(new WorkerEvent("j", 1000, 1000050, 500, "{\"url\":\"x\"}", "j-1"), tick.event());
    assertEquals("x", tick.payload().get("url").asText());
    assertEquals(json, tick.event().toJson());
  }

  @Test
  void an_event_without_a_payload_has_an_empty_one() throws Exception {
    Tick tick = parse("{\"jobId\":\"j\",\"plannedAt\":1000}");
    assertEquals("{}", tick.event().payloadJson());
    assertEquals(0, tick.payload().size());
  }

  @Test
  void an_event_handed_over_in_process_reads_its_payload() {
    Tick tick = Tick.of(new WorkerEvent("j", 1000, 1000050, 500, "{\"timeoutMs\":100}", "j-1"));
    assertEquals(100, tick.payload().get("timeoutMs").asLong());
  }

  @Test
  void bad_events_say_what_is_missing_or_wrong() {
    assertEquals(
        "the worker event has no plannedAt: {\"jobId\":\"j\"}",
        assertThrows(IllegalArgumentException.class, () -> parse("{\"jobId\":\"j\"}"))
            .getMessage());
    assertEquals(
        "the worker event's plannedAt must be epoch milliseconds as a number, not \"soon\"",
        assertThrows(
                IllegalArgumentException.class,
                () -> parse("{\"jobId\":\"j\",\"plannedAt\":\"soon\"}"))
            .getMessage());
    assertEquals(
        "the worker event is not a JSON object: send {\"jobId\": ..., \"plannedAt\": ...}",
        assertThrows(IllegalArgumentException.class, () -> parse("[1]")).getMessage());
  }
}
