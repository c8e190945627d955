package dev.subminute.worker.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** A worker written as the README shows it, run as Lambda would run it, on dynalite. */
class TickHandlerTest {
  final List<String> log = new CopyOnWriteArrayList<>();
  final List<String> pinged = new CopyOnWriteArrayList<>();

  /** A user's worker: what it does with each tick's payload. */
  final class PingWorker extends TickHandler {
    PingWorker(DuplicateFilter duplicates) {
      super(duplicates, log::add);
    }

    @Override
    protected void onTick(Tick tick) {
      pinged.add(tick.payload().path("host").asText() + "@" + tick.event().plannedAt());
    }
  }

  static String invoke(TickHandler handler, String event) throws Exception {
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), response, null);
    return response.toString(StandardCharsets.UTF_8);
  }

  static String event(long plannedAt) {
    return "{\"jobId\":\"ping\",\"plannedAt\":"
        + plannedAt
        + ",\"firedAt\":1,\"intervalMs\":500,\"payload\":{\"host\":\"db-1\"},\"execution\":\"e\"}";
  }

  @Test
  void each_tick_runs_once_across_containers_and_a_dropped_duplicate_is_logged() throws Exception {
    String table = LedgerTables.create();
    PingWorker first = new PingWorker(LedgerTables.filter(table, log::add));
    PingWorker second = new PingWorker(LedgerTables.filter(table, log::add));

    assertEquals("{}", invoke(first, event(1_000)));
    assertEquals("{}", invoke(second, event(1_000)));
    assertEquals("{}", invoke(second, event(1_500)));

    assertEquals(List.of("db-1@1000", "db-1@1500"), pinged);
    assertEquals(
        List.of("{\"jobId\":\"ping\",\"plannedAt\":1000,\"dropped\":\"duplicate delivery\"}"), log);
  }

  @Test
  void an_event_that_is_not_a_tick_fails_the_invocation_and_says_what_is_missing() {
    PingWorker worker = new PingWorker(DuplicateFilter.keepingNoRecord(log::add));

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> invoke(worker, "{\"plannedAt\":1}"));

    assertEquals("the worker event has no jobId: {\"plannedAt\":1}", e.getMessage());
    assertEquals(List.of(), pinged);
  }
}
