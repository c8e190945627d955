package dev.subminute.local;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.model.Job;
import dev.subminute.model.ProfileRule;
import dev.subminute.model.dynamodb.JobAttributes;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.HttpPoll;
import dev.subminute.worker.LogWorker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

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
    Job poll =
        Job.builder("demo-poll", HttpPoll.NAME, 5_000)
            .payloadJson("{\"url\":\"" + url() + "\",\"timeoutMs\":1000}")
            .profile(
                List.of(
                    new ProfileRule(EnumSet.range(MONDAY, FRIDAY), 8 * 60, 20 * 60, 1_000),
                    new ProfileRule(EnumSet.of(SATURDAY, SUNDAY), 10 * 60, 16 * 60, 2_000)))
            .timezone(ZoneId.systemDefault())
            .build();
    List<Job> jobs =
        List.of(
            poll,
            Job.builder("demo-probe", DriftProbe.NAME, 100).build(),
            Job.builder("demo-log", LogWorker.NAME, 10_000)
                .offsetMs(2_500)
                .payloadJson("{\"message\":\"hello from subminute\"}")
                .build());
    jobs.forEach(table::putIfAbsent);
    // a restarted demo polls the endpoint of this run
    table
        .get(poll.jobId())
        .filter(item -> item.containsKey("payload"))
        .ifPresent(
            item ->
                table.setAttributes(
                    poll.jobId(),
                    Map.of("payload", JobAttributes.of(poll).get("payload")),
                    Set.of(),
                    JobTable.version(item)));
    return jobs.stream().map(Job::jobId).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
