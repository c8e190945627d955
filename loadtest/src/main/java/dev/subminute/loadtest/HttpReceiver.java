package dev.subminute.loadtest;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.Duplicates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The endpoint {@code http-poll} jobs poll in a load test: each request is stamped by this server's
 * own clock read as it arrives and becomes a receipt keyed by the job and planned instant the
 * worker sends in its headers.
 */
final class HttpReceiver implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final Duplicates duplicates = new Duplicates();

  HttpReceiver(DriftProbe.Recorder recorder) {
    Clock clock = Clock.systemUTC();
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the HTTP receiver", e);
    }
    server.createContext(
        "/tick",
        exchange -> {
          Instant now = clock.instant();
          long receivedAt = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
          String jobId = exchange.getRequestHeaders().getFirst("X-Subminute-Job");
          long plannedAt =
              Long.parseLong(exchange.getRequestHeaders().getFirst("X-Subminute-Planned-At"));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
          // the worker's request carries no dispatch stamp: dispatch drift comes from the timer
          recorder.record(
              new DriftProbe.Receipt(
                  jobId, plannedAt, 0, receivedAt, !duplicates.firstDelivery(jobId, plannedAt)));
        });
    server.setExecutor(threads);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/tick";
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
