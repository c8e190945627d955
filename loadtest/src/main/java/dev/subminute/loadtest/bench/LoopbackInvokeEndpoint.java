package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.Duplicates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;

/**
 * Lambda's Invoke API on loopback, for the controller's AWS SDK path: every request is stamped by
 * this server's own clock read as it arrives, answered 202 as an asynchronous invoke is, and its
 * worker event becomes a receipt.
 */
public final class LoopbackInvokeEndpoint implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(4);
  private final Duplicates duplicates = new Duplicates();

  private LoopbackInvokeEndpoint(DriftProbe.Recorder recorder, Clock clock) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/2015-03-31/functions/",
        exchange -> {
          Instant now = clock.instant();
          long receivedAt = now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
          JsonNode event = JSON.readTree(exchange.getRequestBody());
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
          String jobId = event.path("jobId").asText();
          long plannedAt = event.path("plannedAt").asLong();
          recorder.record(
              new DriftProbe.Receipt(
                  jobId,
                  plannedAt,
                  event.path("firedAt").asLong(),
                  receivedAt,
                  !duplicates.firstDelivery(jobId, plannedAt)));
        });
    server.setExecutor(threads);
    server.start();
  }

  public static LoopbackInvokeEndpoint start(DriftProbe.Recorder recorder) {
    try {
      return new LoopbackInvokeEndpoint(recorder, Clock.systemUTC());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a loopback port for the Invoke endpoint", e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The SDK client the controller builds on Lambda, pointed here. */
  public LambdaAsyncClient client() {
    return LambdaWorkerInvoker.clientBuilder(64)
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
        .build();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
