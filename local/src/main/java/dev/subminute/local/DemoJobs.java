package dev.subminute.local;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.ProfileRuleItem;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.HttpPoll;
import dev.subminute.worker.LogWorker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A few jobs that show the features, and the local endpoint the http-poll job polls. */
public final class DemoJobs implements AutoCloseable {
  private final HttpServer server;
  private final AtomicLong requests = new AtomicLong();

  private DemoJobs(HttpServer server) {
    this.server = server;
  }

  /** Starts the demo endpoint on a free loopback port. */
  public static DemoJobs startEndpoint() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    DemoJobs demo = new DemoJobs(server);
    server.createContext(
        "/health",
        exchange -> {
          demo.requests.incrementAndGet();
          byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return demo;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  public long requests() {
    return requests.get();
  }

  /** Writes the demo jobs unless they exist; returns their ids. */
  public List<String> insert(JobTable table) {
    String zone = ZoneId.systemDefault().getId();
    List<JobItem> jobs =
        List.of(
            JobItem.builder()
                .jobId("demo-poll")
                .workerArn(HttpPoll.NAME)
                .intervalMs(5_000L)
                .running(true)
                .payload(
                    Map.of(
                        "url",
                        AttributeValue.fromS(url()),
                        "timeoutMs",
                        AttributeValue.fromN("1000")))
                .profile(
                    List.of(
                        ProfileRuleItem.of("MON-FRI", "08:00", "20:00", 1_000),
                        ProfileRuleItem.of("SAT,SUN", "10:00", "16:00", 2_000)))
                .timezone(zone)
                .build(),
            JobItem.builder()
                .jobId("demo-probe")
                .workerArn(DriftProbe.NAME)
                .intervalMs(100L)
                .running(true)
                .build(),
            JobItem.builder()
                .jobId("demo-log")
                .workerArn(LogWorker.NAME)
                .intervalMs(10_000L)
                .offsetMs(2_500L)
                .running(true)
                .payload(Map.of("message", AttributeValue.fromS("hello from subminute")))
                .build());
    jobs.forEach(table::putIfAbsent);
    if (table.get("demo-poll").map(i -> i.get("payload")).isPresent()) {
      // a restarted demo polls the endpoint of this run
      table.setAttributes(
          "demo-poll",
          Map.of(
              "payload",
              AttributeValue.fromM(
                  Map.of(
                      "url",
                      AttributeValue.fromS(url()),
                      "timeoutMs",
                      AttributeValue.fromN("1000")))),
          java.util.Set.of(),
          versionOf(table, "demo-poll"));
    }
    return jobs.stream().map(JobItem::getJobId).toList();
  }

  private static long versionOf(JobTable table, String jobId) {
    AttributeValue v = table.get(jobId).orElseThrow().get(JobTable.VERSION);
    return v == null ? 0 : Long.parseLong(v.n());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
