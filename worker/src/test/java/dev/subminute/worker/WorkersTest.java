package dev.subminute.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.model.WorkerEvent;
import dev.subminute.worker.kit.Tick;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkersTest {
  HttpServer server;
  final List<String> seenPlannedAt = new CopyOnWriteArrayList<>();
  final List<HttpPoll.Result> polls = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        x -> {
          seenPlannedAt.add(x.getRequestHeaders().getFirst("X-Subminute-Planned-At"));
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    server.createContext(
        "/down",
        x -> {
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    server.createContext(
        "/slow",
        x -> {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
          }
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  static WorkerEvent event(String payloadJson) {
    return new WorkerEvent("poll", 1_000, 1_000_050, 500, payloadJson, "poll-r1");
  }

  @Test
  void http_poll_gets_the_url_and_records_status_and_latency() throws Exception {
    HttpPoll poll = new HttpPoll(polls::add);
    WorkerEvent e = event("{\"url\":\"" + url("/ok") + "\"}");
    poll.handle(e, Tick.of(e).payload());
    assertEquals(List.of("1000"), seenPlannedAt);
    assertEquals(200, polls.get(0).status());
    assertTrue(polls.get(0).latencyMicros() > 0);
  }

  @Test
  void http_poll_fails_on_an_error_status_and_records_it() {
    HttpPoll poll = new HttpPoll(polls::add);
    WorkerEvent e = event("{\"url\":\"" + url("/down") + "\"}");
    assertThrows(IllegalStateException.class, () -> poll.handle(e, Tick.of(e).payload()));
    assertEquals(503, polls.get(0).status());
  }

  @Test
  void http_poll_gives_up_after_its_timeout() {
    HttpPoll poll = new HttpPoll(polls::add);
    WorkerEvent e = event("{\"url\":\"" + url("/slow") + "\",\"timeoutMs\":100}");
    assertThrows(HttpTimeoutException.class, () -> poll.handle(e, Tick.of(e).payload()));
    assertEquals(0, polls.get(0).status());
  }

  @Test
  void http_poll_without_a_url_says_what_to_write() {
    HttpPoll poll = new HttpPoll(polls::add);
    IllegalArgumentException x =
        assertThrows(
            IllegalArgumentException.class,
            () -> poll.handle(event("{}"), Tick.of(event("{}")).payload()));
    assertTrue(x.getMessage().contains("payload.url"));
  }

  @Test
  void drift_probe_records_signed_arrival_drift_and_flags_duplicates() {
    List<DriftProbe.Receipt> receipts = new CopyOnWriteArrayList<>();
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_003), ZoneOffset.UTC);
    DriftProbe probe = new DriftProbe(clock, receipts::add);
    probe.handle(event("{}"), null);
    probe.handle(event("{}"), null);
    assertEquals(2, receipts.size());
    assertFalse(receipts.get(0).duplicate());
    assertTrue(receipts.get(1).duplicate());
    assertEquals(50, receipts.get(0).dispatchDriftMicros());
    assertEquals(3_000, receipts.get(0).arrivalDriftMicros());
    DriftProbe early =
        new DriftProbe(Clock.fixed(Instant.ofEpochMilli(999), ZoneOffset.UTC), receipts::add);
    early.handle(event("{}"), null);
    assertEquals(-1_000, receipts.get(2).arrivalDriftMicros(), "an early arrival stays negative");
  }
}
