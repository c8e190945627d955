package dev.subminute.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.model.JobStatus;
import dev.subminute.model.WorkerEvent;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.Await;
import dev.subminute.model.testing.SharedDynalite;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.HttpPoll;
import dev.subminute.worker.LogWorker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The real runtime against dynalite, items written with the raw SDK client as any user would, and
 * workers that reach a loopback HTTP server. Timing bounds are generous; figures live in the
 * benchmarks.
 */
class LocalRuntimeEndToEndTest {
  static final AtomicInteger TABLES = new AtomicInteger();

  final List<DriftProbe.Receipt> receipts = new CopyOnWriteArrayList<>();
  final List<long[]> httpSeen = new CopyOnWriteArrayList<>(); // {plannedAt, receivedAtMs}
  HttpServer http;
  String tableName;
  LocalRuntime runtime;
  JobTable table;

  @BeforeEach
  void start() throws Exception {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/health",
        x -> {
          long now = java.time.Instant.now().toEpochMilli();
          httpSeen.add(
              new long[] {
                Long.parseLong(x.getRequestHeaders().getFirst("X-Subminute-Planned-At")), now
              });
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    http.start();
    tableName = "e2e-" + TABLES.incrementAndGet();
    runtime = startRuntime();
    table = runtime.table();
  }

  LocalRuntime startRuntime() throws Exception {
    HttpPoll poll = new HttpPoll(r -> {});
    // the first request of a JVM loads the HTTP client's classes: do it before the timing counts
    poll.handle(
        new WorkerEvent("warm-up", 0, 0, 0, "{}", "x"),
        new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"url\":\"" + url() + "\"}"));
    httpSeen.clear();
    LocalLambda lambda =
        new LocalLambda()
            .register(DriftProbe.NAME, new DriftProbe(Clock.systemUTC(), receipts::add), 4, 10_000)
            .register(HttpPoll.NAME, poll, 4, 1_000)
            .register(LogWorker.NAME, new LogWorker(line -> {}), 1, 100)
            .register(
                "thrower",
                (event, payload) -> {
                  throw new IllegalStateException("worker failure");
                },
                2,
                100);
    LocalRuntime.Options options =
        LocalRuntime.Options.defaults()
            .withEndpoint(SharedDynalite.server().endpoint())
            .withTableName(tableName)
            .withController(ControllerConfig.embedded().withWindowMs(3_000))
            .withScanPeriodMs(300);
    return LocalRuntime.start(options, lambda);
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/health";
  }

  @AfterEach
  void stop() {
    runtime.close();
    http.stop(0);
  }

  void putRaw(String jobId, String worker, long interval, Map<String, AttributeValue> extra) {
    Map<String, AttributeValue> item =
        new java.util.HashMap<>(
            Map.of(
                "jobId", AttributeValue.fromS(jobId),
                "workerArn", AttributeValue.fromS(worker),
                "intervalMs", AttributeValue.fromN(Long.toString(interval)),
                "running", AttributeValue.fromBool(true)));
    item.putAll(extra);
    SharedDynalite.client().putItem(r -> r.tableName(tableName).item(item));
  }

  List<DriftProbe.Receipt> receiptsOf(String jobId) {
    return receipts.stream().filter(r -> r.jobId().equals(jobId)).toList();
  }

  @Test
  void an_item_put_with_a_raw_client_ticks_within_a_second_of_the_write() throws Exception {
    long written = System.currentTimeMillis();
    putRaw("fresh", DriftProbe.NAME, 100, Map.of());
    Await.until("the first tick", 5_000, () -> !receiptsOf("fresh").isEmpty());
    long firstFiredMs = receiptsOf("fresh").get(0).firedAtMicros() / 1_000;
    assertTrue(
        firstFiredMs - written <= 1_000,
        "first tick " + (firstFiredMs - written) + " ms after the write");
    Await.until(
        "RUNNING status",
        5_000,
        () -> JobStatusView.of(table.get("fresh").orElseThrow()).status() == JobStatus.RUNNING);
  }

  @Test
  void http_poll_at_500_ms_reaches_the_server_once_per_instant_on_the_grid() throws Exception {
    putRaw(
        "poll",
        HttpPoll.NAME,
        500,
        Map.of("payload", AttributeValue.fromM(Map.of("url", AttributeValue.fromS(url())))));
    Await.until("eleven polls", 10_000, () -> httpSeen.size() >= 11);
    List<Long> lateMs = new ArrayList<>();
    for (long[] seen : httpSeen) {
      assertEquals(0, seen[0] % 500, "planned instant on the 500 ms grid");
      lateMs.add(seen[1] - seen[0]);
    }
    // a bound a busy machine meets (this one, two cores beside a CI build, once saw a median of
    // 28 ms): it catches a tick fired on the wrong clock or an interval late; how close to its
    // instant a tick arrives is measured by the soak runs and the benchmarks, which print it
    assertTrue(
        lateMs.stream().allMatch(late -> late <= 250),
        "a request arrived over 250 ms late: " + lateMs);
    List<Long> planned = httpSeen.stream().map(s -> s[0]).toList();
    assertEquals(planned.size(), new HashSet<>(planned).size());
  }

  @Test
  void running_false_stops_within_a_second_and_resume_restarts_on_the_grid() throws Exception {
    putRaw("pausable", DriftProbe.NAME, 100, Map.of());
    Await.until("ticks", 5_000, () -> receiptsOf("pausable").size() >= 5);
    table.setAttributes("pausable", Map.of("running", AttributeValue.fromBool(false)), Set.of(), 0);
    long pausedAt = System.currentTimeMillis();
    Await.until(
        "STOPPED status",
        5_000,
        () -> JobStatusView.of(table.get("pausable").orElseThrow()).status() == JobStatus.STOPPED);
    List<DriftProbe.Receipt> before = receiptsOf("pausable");
    long lastPlanned = before.get(before.size() - 1).plannedAt();
    assertTrue(
        lastPlanned - pausedAt <= 1_000,
        "ticked " + (lastPlanned - pausedAt) + " ms after running = false");
    Thread.sleep(500);
    assertEquals(before.size(), receiptsOf("pausable").size(), "nothing fires while stopped");
    table.setAttributes("pausable", Map.of("running", AttributeValue.fromBool(true)), Set.of(), 1);
    Await.until("ticks again", 5_000, () -> receiptsOf("pausable").size() > before.size() + 3);
    receiptsOf("pausable").forEach(r -> assertEquals(0, r.plannedAt() % 100));
  }

  @Test
  void a_delete_stops_the_timer_and_leaves_no_item_behind() throws Exception {
    putRaw("doomed", DriftProbe.NAME, 100, Map.of());
    Await.until("ticks", 5_000, () -> receiptsOf("doomed").size() >= 3);
    table.delete("doomed");
    long deletedAt = System.currentTimeMillis();
    Thread.sleep(1_500);
    List<DriftProbe.Receipt> all = receiptsOf("doomed");
    long lastAfterDelete = all.get(all.size() - 1).plannedAt() - deletedAt;
    assertTrue(lastAfterDelete <= 1_000, "ticked " + lastAfterDelete + " ms after the delete");
    assertTrue(table.get("doomed").isEmpty(), "no status write recreated the item");
  }

  @Test
  void a_new_interval_applies_at_the_next_tick_boundary() throws Exception {
    putRaw("retimed", DriftProbe.NAME, 1_000, Map.of());
    Await.until("two ticks", 5_000, () -> receiptsOf("retimed").size() >= 2);
    table.setAttributes("retimed", Map.of("intervalMs", AttributeValue.fromN("200")), Set.of(), 0);
    long changedAt = System.currentTimeMillis();
    Await.until(
        "fast ticks",
        5_000,
        () ->
            receiptsOf("retimed").stream().filter(r -> r.plannedAt() > changedAt + 1_000).count()
                >= 3);
    List<Long> after =
        receiptsOf("retimed").stream()
            .map(DriftProbe.Receipt::plannedAt)
            .filter(p -> p > changedAt + 1_000)
            .toList();
    for (int i = 1; i < after.size(); i++) {
      assertEquals(200, after.get(i) - after.get(i - 1));
    }
  }

  @Test
  void a_restart_resumes_every_job_on_its_grid_without_firing_a_tick_twice() throws Exception {
    for (int i = 0; i < 5; i++) {
      putRaw(
          "survivor-" + i,
          DriftProbe.NAME,
          100 + 50L * i,
          Map.of("offsetMs", AttributeValue.fromN(Integer.toString(7 * i))));
    }
    Await.until(
        "all ticking",
        5_000,
        () -> receipts.stream().map(DriftProbe.Receipt::jobId).distinct().count() == 5);
    Thread.sleep(1_000);
    runtime.close();
    int beforeRestart = receipts.size();
    runtime = startRuntime();
    Await.until("ticking again", 5_000, () -> receipts.size() > beforeRestart + 25);
    Thread.sleep(1_000);
    Set<String> seen = new HashSet<>();
    for (DriftProbe.Receipt r : receipts) {
      assertTrue(
          seen.add(r.jobId() + "@" + r.plannedAt()),
          "fired twice: " + r.jobId() + " @" + r.plannedAt());
      int i = Integer.parseInt(r.jobId().substring("survivor-".length()));
      assertEquals(
          7 * i, Math.floorMod(r.plannedAt() - 7 * i, 100 + 50L * i) + 7 * i, "off the grid: " + r);
    }
  }

  @Test
  void invalid_items_are_marked_and_every_other_job_keeps_ticking() throws Exception {
    putRaw("good", DriftProbe.NAME, 100, Map.of());
    Await.until("good ticking", 5_000, () -> receiptsOf("good").size() >= 3);
    List<String> bad = new ArrayList<>();
    putRaw("bad-type", DriftProbe.NAME, 100, Map.of("intervalMs", AttributeValue.fromS("100")));
    putRaw(
        "bad-zone", DriftProbe.NAME, 100, Map.of("timezone", AttributeValue.fromS("Nowhere/City")));
    putRaw("bad-range", DriftProbe.NAME, 50, Map.of());
    putRaw("bad-worker", "no-such-worker", 100, Map.of());
    bad.addAll(List.of("bad-type", "bad-zone", "bad-range", "bad-worker"));
    int goodBefore = receiptsOf("good").size();
    for (String id : bad) {
      Await.until(
          id + " INVALID",
          5_000,
          () -> JobStatusView.of(table.get(id).orElseThrow()).status() == JobStatus.INVALID);
      assertTrue(JobStatusView.of(table.get(id).orElseThrow()).statusReason().length() > 20);
    }
    assertTrue(
        JobStatusView.of(table.get("bad-zone").orElseThrow()).statusReason().contains("IANA"));
    assertTrue(
        JobStatusView.of(table.get("bad-worker").orElseThrow())
            .statusReason()
            .contains("not among the workers"));
    Await.until("good still ticking", 5_000, () -> receiptsOf("good").size() > goodBefore + 5);
    assertTrue(receipts.stream().noneMatch(r -> r.jobId().startsWith("bad-")));
  }

  @Test
  void a_failing_worker_shows_in_status_and_delays_no_tick() throws Exception {
    putRaw("failing", "thrower", 100, Map.of());
    putRaw("steady", DriftProbe.NAME, 100, Map.of());
    Await.until("steady ticking", 5_000, () -> receiptsOf("steady").size() >= 30);
    assertTrue(runtime.lambda().failures() > 10);
    Await.until(
        "errors in the item's status",
        10_000,
        () -> JobStatusView.of(table.get("failing").orElseThrow()).invokeErrors() > 10);
    FaultsTest.assertTimely("the steady job beside a failing one", receiptsOf("steady"));
  }

  @Test
  void an_idle_runtime_scans_once_per_period_however_long_it_runs() throws Exception {
    long first = runtime.scans();
    Thread.sleep(9_000);
    long inNineSeconds = runtime.scans() - first;
    // scan period 300 ms: 30 scans in 9 s, across host windows of 3 s; a discovery loop that
    // multiplies (per period or per window) makes many more
    assertTrue(inNineSeconds >= 9 && inNineSeconds <= 32, "scans in 9 s: " + inNineSeconds);
  }

  @Test
  void a_daily_job_changed_to_one_second_ticks_at_once_and_its_status_says_so() throws Exception {
    putRaw("daily", DriftProbe.NAME, 86_400_000, Map.of());
    Await.until(
        "RUNNING",
        5_000,
        () -> JobStatusView.of(table.get("daily").orElseThrow()).status() == JobStatus.RUNNING);
    table.setAttributes("daily", Map.of("intervalMs", AttributeValue.fromN("1000")), Set.of(), 0);
    long changedAt = System.currentTimeMillis();
    Await.until("a tick on the new interval", 3_000, () -> !receiptsOf("daily").isEmpty());
    assertTrue(receiptsOf("daily").get(0).plannedAt() - changedAt <= 2_000);
    Await.until(
        "the reason names the new interval",
        3_000,
        () ->
            JobStatusView.of(table.get("daily").orElseThrow())
                .statusReason()
                .contains("every 1000 ms"));
  }

  @Test
  void pausing_a_slow_job_stops_it_at_once_and_resuming_keeps_its_grid() throws Exception {
    putRaw("slow", DriftProbe.NAME, 15_000, Map.of());
    Await.until(
        "RUNNING",
        5_000,
        () -> JobStatusView.of(table.get("slow").orElseThrow()).status() == JobStatus.RUNNING);
    table.setAttributes("slow", Map.of("running", AttributeValue.fromBool(false)), Set.of(), 0);
    Await.until(
        "STOPPED within two seconds",
        2_000,
        () -> JobStatusView.of(table.get("slow").orElseThrow()).status() == JobStatus.STOPPED);
    int ticksBeforeResume = receiptsOf("slow").size();
    long resumeSentAt = System.currentTimeMillis();
    table.setAttributes("slow", Map.of("running", AttributeValue.fromBool(true)), Set.of(), 1);
    Await.until(
        "the next tick on the grid", 18_000, () -> receiptsOf("slow").size() > ticksBeforeResume);
    long first = receiptsOf("slow").get(ticksBeforeResume).plannedAt();
    long next = Math.floorDiv(resumeSentAt, 15_000) * 15_000 + 15_000;
    // the grid's next instant after the edit, or the one after when the next came before the host
    // could learn of the edit (within a second, two on a busy machine); none while it was stopped
    assertTrue(
        first == next || (first == next + 15_000 && next - resumeSentAt <= 2_000),
        "resumed at "
            + first
            + ", the grid's next instant after the edit at "
            + resumeSentAt
            + " being "
            + next);
  }
}
