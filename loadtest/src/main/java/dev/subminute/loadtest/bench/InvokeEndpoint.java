package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A loopback Lambda Invoke endpoint ({@code POST /2015-03-31/functions/{name}/invocations}): stamps
 * each arrival with its own clock reading, records it by (jobId, plannedAt) from the worker event,
 * and answers 202 after a delay, as Lambda accepts an EVENT invoke. Requests are read and recorded
 * on the server's own thread, the nearest point to the socket, and the answer is sent from a
 * scheduler, so a delayed answer never holds that thread.
 */
final class InvokeEndpoint implements AutoCloseable {
  private static final String PREFIX = "/2015-03-31/functions/";

  private final ObjectMapper json = new ObjectMapper();
  private final Clock clock = Clock.systemUTC();
  private final Receipts receipts;
  private final long answerDelayMs;
  private final HttpServer server;
  private final ExecutorService requests = Executors.newFixedThreadPool(8, daemon("endpoint"));
  private final ScheduledExecutorService answers =
      Executors.newScheduledThreadPool(2, daemon("endpoint-answer"));
  private final LongAdder rejected = new LongAdder();

  InvokeEndpoint(Receipts receipts, long answerDelayMs) throws IOException {
    // the server closes idle connections beyond 200 at once, which the client may be reusing
    // that instant: its retry would then deliver an invoke twice
    System.setProperty("sun.net.httpserver.maxIdleConnections", "100000");
    this.receipts = receipts;
    this.answerDelayMs = answerDelayMs;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    server.createContext(PREFIX, this::handle);
    server.setExecutor(requests);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Requests that were not an EVENT invoke of a worker event: answered 400 or 404. */
  long rejected() {
    return rejected.sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    Instant arrival = clock.instant();
    long arrivalMicros = arrival.getEpochSecond() * 1_000_000L + arrival.getNano() / 1_000;
    byte[] body = exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getPath();
    if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith("/invocations")) {
      reject(exchange, 404);
      return;
    }
    JsonNode event;
    try {
      event = json.readTree(body);
    } catch (IOException notJson) {
      reject(exchange, 400);
      return;
    }
    if (!"Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"))
        || event == null
        || !event.hasNonNull("jobId")
        || !event.hasNonNull("plannedAt")
        || !event.hasNonNull("firedAt")) {
      reject(exchange, 400);
      return;
    }
    receipts.record(
        event.get("jobId").asText(),
        event.get("plannedAt").asLong(),
        event.get("firedAt").asLong(),
        arrivalMicros);
    answers.schedule(() -> answer(exchange, 202), answerDelayMs, TimeUnit.MILLISECONDS);
  }

  private void reject(HttpExchange exchange, int status) {
    rejected.increment();
    answer(exchange, status);
  }

  private static void answer(HttpExchange exchange, int status) {
    try (exchange) {
      exchange.sendResponseHeaders(status, -1);
    } catch (IOException clientGone) {
      // the client closed the connection: nothing to answer
    }
  }

  @Override
  public void close() {
    server.stop(0);
    answers.shutdownNow();
    requests.shutdownNow();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
