package dev.subminute.worker.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.worker.kit.DuplicateFilter;
import dev.subminute.worker.kit.LedgerTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The example workers as Lambda handlers, deduplicating on a dedupe table in dynalite. */
class WorkerHandlersTest {
  static final String EVENT =
      "{\"jobId\":\"j\",\"plannedAt\":1000,\"firedAt\":1000050,\"intervalMs\":500,\"payload\":{},\"execution\":\"j-1\"}";
  static final ObjectMapper JSON = new ObjectMapper();

  final List<String> out = new CopyOnWriteArrayList<>();

  static String invoke(WorkerHandler handler, String event) throws Exception {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response, null);
    return response.toString(StandardCharsets.UTF_8);
  }

  @Test
  void the_log_worker_logs_a_tick_once_and_the_duplicate_as_dropped() throws Exception {
    DuplicateFilter duplicates = LedgerTables.filter(LedgerTables.create(), out::add);

    assertEquals("{}", invoke(new LogHandler(out::add, duplicates), EVENT));
    assertEquals("{}", invoke(new LogHandler(out::add, duplicates), EVENT));

    assertEquals(
        List.of(EVENT, "{\"jobId\":\"j\",\"plannedAt\":1000,\"dropped\":\"duplicate delivery\"}"),
        out);
  }

  @Test
  void the_drift_probe_in_another_container_flags_the_duplicate_for_the_harness() throws Exception {
    String table = LedgerTables.create();
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_003), ZoneOffset.UTC);

    invoke(new DriftProbeHandler(clock, out::add, LedgerTables.filter(table, out::add)), EVENT);
    invoke(new DriftProbeHandler(clock, out::add, LedgerTables.filter(table, out::add)), EVENT);

    assertEquals(2, out.size());
    JsonNode first = JSON.readTree(out.get(0));
    JsonNode second = JSON.readTree(out.get(1));
    assertEquals(false, first.get("duplicate").asBoolean());
    assertEquals(true, second.get("duplicate").asBoolean());
    assertEquals(1_003_000, second.get("receivedAtMicros").asLong());
  }

  @Test
  void the_http_poll_worker_without_a_url_fails_and_a_retry_is_not_dropped() throws Exception {
    DuplicateFilter duplicates = LedgerTables.filter(LedgerTables.create(), out::add);
    HttpPollHandler handler = new HttpPollHandler(out::add, duplicates);

    for (int attempt = 0; attempt < 2; attempt++) {
      IllegalArgumentException failed =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalArgumentException.class, () -> invoke(handler, EVENT));
      assertEquals(
          "http-poll needs payload.url, such as {\"url\": {\"S\": \"https://example.com/health\"}}",
          failed.getMessage());
    }
    assertEquals(List.of(), out);
  }
}
