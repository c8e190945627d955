package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cold controller: from starting its JVM to the first tick it fires, through the real handler
 * built from the environment as on Lambda, against dynalite and a loopback Lambda endpoint. This is
 * the figure SnapStart would shorten (see the README, Deploy to AWS).
 */
class ControllerColdStartTest {

  @Test
  void a_cold_controller_fires_its_first_tick_within_seconds_of_jvm_start() throws Exception {
    JobTable table = SharedDynalite.newTable("cold-start");
    String worker = "arn:aws:lambda:us-east-1:123456789012:function:cold-probe";
    table.putIfAbsent(Job.builder("cold", worker, 100).build());
    CompletableFuture<Long> firstInvokeNanos = new CompletableFuture<>();
    HttpServer lambda =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    lambda.createContext(
        "/",
        exchange -> {
          firstInvokeNanos.complete(System.nanoTime());
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    lambda.start();
    try {
      ProcessBuilder probe =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-XX:+UseSerialGC",
                  "-cp",
                  System.getProperty("java.class.path"),
                  ColdStartProbe.class.getName(),
                  "cold")
              .redirectErrorStream(true)
              .redirectOutput(File.createTempFile("cold-start-", ".log"));
      probe
          .environment()
          .putAll(
              Map.of(
                  "TABLE_NAME",
                  table.name(),
                  "ALLOWED_WORKERS",
                  worker,
                  "AWS_REGION",
                  "us-east-1",
                  "AWS_ACCESS_KEY_ID",
                  "testing",
                  "AWS_SECRET_ACCESS_KEY",
                  "testing",
                  "AWS_ENDPOINT_URL_DYNAMODB",
                  SharedDynalite.server().endpoint().toString(),
                  "AWS_ENDPOINT_URL_LAMBDA",
                  "http://127.0.0.1:" + lambda.getAddress().getPort()));
      long started = System.nanoTime();
      Process process = probe.start();
      long firstTick = firstInvokeNanos.get(60, TimeUnit.SECONDS);
      long coldMs = (firstTick - started) / 1_000_000;
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe ends after its window");
      System.out.printf("cold controller: JVM start to first tick %d ms%n", coldMs);
      assertTrue(coldMs < 20_000, "first tick " + coldMs + " ms after JVM start");
    } finally {
      lambda.stop(0);
    }
  }
}
