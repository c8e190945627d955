package dev.subminute.controller.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.subminute.model.WorkerEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClientBuilder;

/** The request the SDK's async Lambda client sends, as a loopback Lambda endpoint records it. */
class LambdaWorkerInvokerTest {
  record Recorded(String method, String path, Map<String, List<String>> headers, String body) {}

  HttpServer server;
  final ExecutorService answering = Executors.newCachedThreadPool();
  final List<Recorded> requests = new CopyOnWriteArrayList<>();
  final List<Long> arrivalNanos = new CopyOnWriteArrayList<>();
  volatile int status = 202;
  volatile CountDownLatch answer = new CountDownLatch(0);
  LambdaAsyncClient lambda;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          arrivalNanos.add(System.nanoTime());
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          try {
            answer.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          requests.add(
              new Recorded(
                  exchange.getRequestMethod(),
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders(),
                  body));
          byte[] response =
              status == 202
                  ? new byte[0]
                  : "{\"Type\":\"Service\",\"message\":\"boom\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          if (status != 202) {
            exchange.getResponseHeaders().add("X-Amzn-ErrorType", "ServiceException");
          }
          exchange.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
          exchange.getResponseBody().write(response);
          exchange.close();
        });
    server.setExecutor(answering);
    server.start();
    LambdaAsyncClientBuilder builder = LambdaWorkerInvoker.clientBuilder(4);
    lambda =
        builder
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
            // changes the client's override configuration, keeping what clientBuilder set in it
            .overrideConfiguration(
                builder.overrideConfiguration().toBuilder()
                    .retryStrategy(RetryMode.STANDARD)
                    .apiCallTimeout(Duration.ofSeconds(5))
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    lambda.close();
    server.stop(0);
    answering.shutdownNow();
  }

  @Test
  void sends_an_event_invoke_with_the_worker_event_as_payload() throws Exception {
    WorkerEvent event =
        new WorkerEvent(
            "job-7",
            1_795_651_200_000L,
            1_795_651_200_000_123L,
            500,
            "{\"url\":\"http://x\"}",
            "job-7-r1");
    new LambdaWorkerInvoker(lambda)
        .invoke("arn:aws:lambda:us-east-1:123456789012:function:drift-probe", event)
        .get(5, TimeUnit.SECONDS);
    assertEquals(1, requests.size());
    Recorded r = requests.get(0);
    assertEquals("POST", r.method());
    assertEquals(
        "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Adrift-probe/invocations",
        server.getAddress() == null ? "" : r.path().replace(":", "%3A"));
    assertEquals(List.of("Event"), r.headers().get("X-amz-invocation-type"));
    assertTrue(r.headers().get("Authorization").get(0).startsWith("AWS4-HMAC-SHA256"));
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertEquals("job-7", body.get("jobId").asText());
    assertEquals(1_795_651_200_000L, body.get("plannedAt").asLong());
    assertEquals(1_795_651_200_000_123L, body.get("firedAt").asLong());
    assertEquals(500, body.get("intervalMs").asInt());
    assertEquals("http://x", body.get("payload").get("url").asText());
    assertEquals("job-7-r1", body.get("execution").asText());
  }

  @Test
  void a_service_error_fails_the_future() {
    status = 500;
    WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> new LambdaWorkerInvoker(lambda).invoke("log", event).get(20, TimeUnit.SECONDS));
    assertTrue(requests.size() >= 1);
    assertTrue(
        e.getCause().getMessage().contains("boom")
            || e.getCause().getClass().getSimpleName().contains("Lambda"),
        e.getCause().toString());
  }

  @Test
  void past_its_limit_of_invokes_in_flight_an_invoke_fails_at_once_until_one_is_answered()
      throws Exception {
    answer = new CountDownLatch(1);
    LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(lambda, 2);
    WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
    CompletableFuture<Void> first = invoker.invoke("log", event);
    CompletableFuture<Void> second = invoker.invoke("log", event);

    ExecutionException refused =
        assertThrows(
            ExecutionException.class, () -> invoker.invoke("log", event).get(1, TimeUnit.SECONDS));
    assertTrue(refused.getCause() instanceof RejectedExecutionException, refused.toString());

    answer.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    invoker.invoke("log", event).get(10, TimeUnit.SECONDS);
    assertEquals(3, requests.size());
  }

  @Test
  void an_invoke_prepared_ahead_leaves_at_its_instant_not_before() throws Exception {
    LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(lambda, 8, Duration.ofMillis(20));
    WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
    invoker.invoke("log", event).get(10, TimeUnit.SECONDS); // a warm client sends in milliseconds
    arrivalNanos.clear();
    org.HdrHistogram.Histogram warmUp = invoker.releaseLateness();

    long sendAt = System.nanoTime() + 1_500_000_000L;
    CompletableFuture<Void> sent = invoker.invoke("log", event, sendAt);
    Thread.sleep(500);
    assertTrue(arrivalNanos.isEmpty(), "the request left a second before its instant");

    sent.get(10, TimeUnit.SECONDS);
    assertEquals(1, arrivalNanos.size());
    long lateNanos = arrivalNanos.get(0) - sendAt;
    assertTrue(lateNanos >= 0, "arrived " + -lateNanos / 1e6 + " ms before its instant");
    assertTrue(lateNanos < 5_000_000_000L, "arrived " + lateNanos / 1e6 + " ms after its instant");
    assertEquals(20_000_000L, invoker.prepareAheadNanos());
    // the held invoke reached the HTTP client after its instant, before it arrived
    org.HdrHistogram.Histogram held = invoker.releaseLateness();
    held.subtract(warmUp);
    assertEquals(1, warmUp.getTotalCount());
    assertEquals(1, held.getTotalCount());
    // a 2-digit histogram: a value may read up to 1 % high
    assertTrue(held.getMaxValue() <= lateNanos / 1_000 * 1.02 + 1_000, held.getMaxValue() + " µs");
  }

  @Test
  void an_invoke_prepared_ahead_through_a_client_whose_http_client_was_replaced_fails() {
    try (LambdaAsyncClient replaced =
        LambdaWorkerInvoker.clientBuilder(4)
            .httpClientBuilder(
                software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient.builder().maxConcurrency(4))
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
            .build()) {
      LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(replaced, 8, Duration.ofMillis(20));
      WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
      ExecutionException e =
          assertThrows(
              ExecutionException.class,
              () ->
                  invoker
                      .invoke("log", event, System.nanoTime() + 1_000_000_000L)
                      .get(10, TimeUnit.SECONDS));
      String causes = "";
      for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
        causes += t + "\n";
      }
      assertTrue(causes.contains("HTTP client was replaced"), causes);
    }
  }

  @Test
  void an_invoke_whose_instant_passed_leaves_at_once() throws Exception {
    LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(lambda, 8, Duration.ofMillis(20));
    WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
    long started = System.nanoTime();
    invoker.invoke("log", event, started - 2_000_000_000L).get(10, TimeUnit.SECONDS);
    assertEquals(1, arrivalNanos.size());
    assertEquals(1, invoker.releaseLateness().getTotalCount());
    assertTrue(invoker.releaseLateness().getMaxValue() >= 1_990_000, "counted 2 s late");
  }

  @Test
  void preparing_ahead_needs_a_client_that_holds_requests_until_their_instant() {
    try (LambdaAsyncClient plain =
        LambdaAsyncClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
            .build()) {
      IllegalArgumentException refused =
          assertThrows(
              IllegalArgumentException.class,
              () -> new LambdaWorkerInvoker(plain, 8, Duration.ofMillis(20)));
      assertTrue(refused.getMessage().contains("clientBuilder"), refused.getMessage());
      assertEquals(0, new LambdaWorkerInvoker(plain, 8).prepareAheadNanos());
    }
  }

  @Test
  void an_answered_invoke_leaves_no_timeout_queued() throws Exception {
    LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(lambda, 64);
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sent.add(invoker.invoke("log", new WorkerEvent("j", i, i, 100, "{}", "e")));
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (LambdaWorkerInvoker.queuedInvokeTimeouts() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    // each of the 20 would stay queued for the client's 5 s timeout without the removal
    assertEquals(0, LambdaWorkerInvoker.queuedInvokeTimeouts());
  }

  @Test
  void a_failed_invoke_gives_its_place_back() throws Exception {
    LambdaWorkerInvoker invoker = new LambdaWorkerInvoker(lambda, 1);
    WorkerEvent event = new WorkerEvent("j", 1, 1, 100, "{}", "e");
    status = 500;
    assertThrows(
        ExecutionException.class, () -> invoker.invoke("log", event).get(20, TimeUnit.SECONDS));
    status = 202;
    invoker.invoke("log", event).get(10, TimeUnit.SECONDS);
  }
}
