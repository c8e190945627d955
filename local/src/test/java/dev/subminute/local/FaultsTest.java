package dev.subminute.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.host.HostConfig;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.UserWriteConflictException;
import dev.subminute.model.testing.Await;
import dev.subminute.worker.DriftProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The runtime under attack, on real processes: dynalite killed and restarted, a runtime halted
 * mid-window, two runtimes on one table, storage behind a 200 ms proxy, misbehaving workers, bad
 * and huge items, concurrent edits. Bounds are generous; the figures go to the README.
 */
class FaultsTest {
  static final AtomicInteger TABLES = new AtomicInteger();

  /**
   * Bounds a busy CI machine meets (a young collection of the test JVM on two shared cores takes
   * longer than 10 ms): the strict figures live in the benchmarks and the load test.
   */
  static final long P99_BOUND_MICROS = 25_000;

  static final long MAX_BOUND_MICROS = 250_000;

  /**
   * Arrival adds the hand-off to the worker's pool, whose threads have no real-time priority: on a
   * saturated machine they wait for a scheduler slice (p99 near 200 ms seen at a load of 15 on 2
   * cores), so these bounds only catch a worker held up by another, not scheduling.
   */
  static final long ARRIVAL_P99_BOUND_MICROS = 500_000;

  static final long ARRIVAL_MAX_BOUND_MICROS = 2_000_000;

  final List<DriftProbe.Receipt> receipts = new CopyOnWriteArrayList<>();
  final List<AutoCloseable> cleanup = new ArrayList<>();
  final CountDownLatch neverReleased = new CountDownLatch(1);

  @AfterEach
  void close() throws Exception {
    neverReleased.countDown();
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception ignored) {
        // already gone
      }
    }
  }

  LocalRuntime runtime(java.net.URI endpoint, String table, long windowMs) {
    LocalLambda lambda =
        new LocalLambda()
            .register(DriftProbe.NAME, new DriftProbe(Clock.systemUTC(), receipts::add), 4, 10_000)
            .register("hang", (event, payload) -> neverReleased.await(), 2, 10)
            .register("slow", (event, payload) -> Thread.sleep(10_000), 4, 50)
            .register(
                "thrower",
                (event, payload) -> {
                  throw new IllegalStateException("boom");
                },
                2,
                100);
    LocalRuntime runtime =
        LocalRuntime.start(
            LocalRuntime.Options.defaults()
                .withEndpoint(endpoint)
                .withTableName(table)
                .withController(ControllerConfig.embedded().withWindowMs(windowMs))
                .withScanPeriodMs(300),
            lambda);
    cleanup.add(runtime);
    return runtime;
  }

  static String newTable() {
    return "faults-" + TABLES.incrementAndGet();
  }

  static void putRaw(
      DynamoDbClient client, String table, String jobId, String worker, long interval) {
    client.putItem(
        r ->
            r.tableName(table)
                .item(
                    Map.of(
                        "jobId",
                        AttributeValue.fromS(jobId),
                        "workerArn",
                        AttributeValue.fromS(worker),
                        "intervalMs",
                        AttributeValue.fromN(Long.toString(interval)),
                        "running",
                        AttributeValue.fromBool(true))));
  }

  List<DriftProbe.Receipt> of(String jobId) {
    return receipts.stream().filter(r -> r.jobId().equals(jobId)).toList();
  }

  void assertNoDuplicates() {
    Set<String> seen = new HashSet<>();
    for (DriftProbe.Receipt r : receipts) {
      assertTrue(
          seen.add(r.jobId() + "@" + r.plannedAt()),
          "fired twice: " + r.jobId() + " @" + r.plannedAt());
    }
  }

  static String worst(List<DriftProbe.Receipt> receipts) {
    long first = receipts.stream().mapToLong(DriftProbe.Receipt::plannedAt).min().orElse(0);
    return receipts.stream()
        .sorted((a, b) -> Long.compare(b.dispatchDriftMicros(), a.dispatchDriftMicros()))
        .limit(5)
        .map(r -> r.dispatchDriftMicros() + " µs at +" + (r.plannedAt() - first) + " ms")
        .toList()
        .toString();
  }

  /** The value at or below which 99 % of the values lie. */
  static long p99(long[] values) {
    long[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    return sorted[(int) Math.ceil(sorted.length * 0.99) - 1];
  }

  /**
   * Asserts dispatch drift (the controller's stamp) and arrival drift (the probe's own clock read
   * on arrival) within bounds a busy CI machine meets, and returns the figures with their bounds.
   */
  static String assertTimely(String what, List<DriftProbe.Receipt> receipts) {
    assertTrue(!receipts.isEmpty(), what + ": no ticks received");
    long[] dispatch =
        receipts.stream().mapToLong(DriftProbe.Receipt::dispatchDriftMicros).toArray();
    long[] arrival = receipts.stream().mapToLong(DriftProbe.Receipt::arrivalDriftMicros).toArray();
    long dispatchP99 = p99(dispatch);
    long dispatchMax = java.util.Arrays.stream(dispatch).max().orElseThrow();
    long arrivalP99 = p99(arrival);
    long arrivalMax = java.util.Arrays.stream(arrival).max().orElseThrow();
    assertTrue(
        dispatchP99 < P99_BOUND_MICROS, what + ": dispatch drift p99 " + dispatchP99 + " µs");
    assertTrue(
        dispatchMax < MAX_BOUND_MICROS, what + ": dispatch drift max " + dispatchMax + " µs");
    assertTrue(
        arrivalP99 < ARRIVAL_P99_BOUND_MICROS, what + ": arrival drift p99 " + arrivalP99 + " µs");
    assertTrue(
        arrivalMax < ARRIVAL_MAX_BOUND_MICROS, what + ": arrival drift max " + arrivalMax + " µs");
    return String.format(
        java.util.Locale.ROOT,
        "%d ticks: arrival drift p99 %.2f ms (bound %d), max %.2f ms (bound %d); dispatch drift p99"
            + " %.2f ms (bound %d), max %.2f ms (bound %d)",
        receipts.size(),
        arrivalP99 / 1000.0,
        ARRIVAL_P99_BOUND_MICROS / 1000,
        arrivalMax / 1000.0,
        ARRIVAL_MAX_BOUND_MICROS / 1000,
        dispatchP99 / 1000.0,
        P99_BOUND_MICROS / 1000,
        dispatchMax / 1000.0,
        MAX_BOUND_MICROS / 1000);
  }

  /** Planned instants of a job at {@code intervalMs}, offset 0, strictly between two instants. */
  static long dueBetween(long intervalMs, long afterMs, long beforeMs) {
    return Math.max(0, (beforeMs - 1) / intervalMs - afterMs / intervalMs);
  }

  @Test
  void dynalite_killed_for_30_s_jobs_fire_while_their_lease_holds_then_resume_and_no_count_is_lost()
      throws Exception {
    Path data = Files.createTempDirectory("dynalite-data");
    int port = DynaliteServer.freePort();
    DynaliteServer[] dynalite = {DynaliteServer.start(port, data)};
    cleanup.add(() -> dynalite[0].close());
    String table = newTable();
    LocalRuntime runtime = runtime(dynalite[0].endpoint(), table, 60_000);
    DynamoDbClient writer = DynamoClients.local(dynalite[0].endpoint());
    cleanup.add(writer::close);
    for (int i = 0; i < 3; i++) {
      putRaw(writer, table, "steady-" + i, DriftProbe.NAME, 100 + 100L * i);
    }
    Await.until(
        "all ticking",
        10_000,
        () -> receipts.stream().map(DriftProbe.Receipt::jobId).distinct().count() == 3);
    Thread.sleep(1_500);
    dynalite[0].kill();
    long downAt = System.currentTimeMillis();
    Thread.sleep(30_000);
    long upAt = System.currentTimeMillis();
    dynalite[0] = DynaliteServer.start(port, data);
    HostConfig host = HostConfig.embedded();
    // the last renewal reached storage at most one renewal period before the outage: firing goes
    // on at least until that lease, less its margin, could run out, and never past it
    long surelyHeld = downAt + host.leaseMs() - host.fenceMarginMs() - host.renewMs();
    long fenced = downAt + host.leaseMs() - host.fenceMarginMs();
    List<DriftProbe.Receipt> whileHeld =
        receipts.stream()
            .filter(r -> r.plannedAt() > downAt + 500 && r.plannedAt() < surelyHeld - 500)
            .toList();
    long due = 0;
    for (int i = 0; i < 3; i++) {
      due += dueBetween(100 + 100L * i, downAt + 500, surelyHeld - 500);
    }
    // a saturated machine may skip a tick or two (counted missed by the timer): 3 at most
    assertTrue(
        whileHeld.size() >= due - 3,
        "ticks while the lease held: " + whileHeld.size() + " of " + due + " due");
    long afterFence =
        receipts.stream().filter(r -> r.plannedAt() > fenced + 100 && r.plannedAt() < upAt).count();
    assertEquals(0, afterFence, "ticks fired after the lease could have run out");
    String timing = assertTimely("while the lease held", whileHeld);
    report(
        "dynalite killed for 30 s: %d of the %d ticks due while the lease held fired (bound: %d"
            + " or more), 0 after it could run out; %s",
        whileHeld.size(), due, due - 3, timing);
    JobTable after = new JobTable(DynamoClients.local(dynalite[0].endpoint()), table);
    after.setAttributes("steady-0", Map.of("intervalMs", AttributeValue.fromN("500")), Set.of(), 0);
    long changedAt = System.currentTimeMillis();
    Await.until(
        "the change applied",
        15_000,
        () ->
            of("steady-0").stream().filter(r -> r.plannedAt() > changedAt).count() >= 3
                && of("steady-0").stream()
                    .filter(r -> r.plannedAt() > changedAt + 2_000)
                    .allMatch(r -> r.plannedAt() % 500 == 0));
    runtime.close();
    assertNoDuplicates();
    long counted = 0;
    for (int i = 0; i < 3; i++) {
      String id = "steady-" + i;
      JobStatusView status = JobStatusView.of(after.get(id).orElseThrow());
      assertEquals(of(id).size(), status.ticks(), "ticks recorded on " + id + " after the outage");
      counted += status.ticks();
    }
    report(
        "after the outage: %d of %d ticks received counted on their items, the interval change applied",
        counted, receipts.size());
    assertTrue(
        receipts.stream().anyMatch(r -> r.plannedAt() > upAt), "ticking again after the outage");
  }

  @Test
  void a_halted_runtime_is_replaced_on_the_grid_without_a_tick_fired_twice() throws Exception {
    String table = newTable();
    LocalRuntime first =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 2_000);
    for (int i = 0; i < 3; i++) {
      putRaw(
          dev.subminute.model.testing.SharedDynalite.client(),
          table,
          "phoenix-" + i,
          DriftProbe.NAME,
          200);
    }
    Await.until("ticking", 10_000, () -> receipts.size() > 30);
    JobTable check = new JobTable(dev.subminute.model.testing.SharedDynalite.client(), table);
    // a status write has landed: the item knows the last tick (writes in flight die with the
    // process)
    Await.until(
        "a recorded tick",
        10_000,
        () -> JobStatusView.of(check.get("phoenix-0").orElseThrow()).lastTickAt() > 0);
    first.halt();
    long haltedAt = System.currentTimeMillis();
    LocalRuntime second =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 2_000);
    Await.until(
        "the new runtime fires",
        30_000,
        () -> receipts.stream().anyMatch(r -> r.plannedAt() > haltedAt + 1_000));
    long tookOverAt =
        receipts.stream()
            .filter(r -> r.plannedAt() > haltedAt)
            .mapToLong(DriftProbe.Receipt::plannedAt)
            .min()
            .orElseThrow();
    Thread.sleep(2_000);
    second.close();
    assertNoDuplicates();
    receipts.forEach(r -> assertEquals(0, r.plannedAt() % 200, "off the grid: " + r));
    long lease = HostConfig.embedded().leaseMs();
    assertTrue(
        tookOverAt - haltedAt <= lease + 2_000,
        "took over after " + (tookOverAt - haltedAt) + " ms, lease " + lease + " ms");
    // missed instants on a takeover are asserted by RuntimeKilledIT, on a real SIGKILL: here a
    // renewal already in flight when the runtime halts may still land and blur the count
    report(
        "runtime halted: taken over %d ms after the halt (bound: lease %d ms + 2 s); 0 ticks fired"
            + " twice, all on the 200 ms grid",
        tookOverAt - haltedAt, lease);
  }

  @Test
  void two_runtimes_on_one_table_fire_each_job_from_one_of_them() throws Exception {
    String table = newTable();
    java.net.URI endpoint = dev.subminute.model.testing.SharedDynalite.server().endpoint();
    LocalRuntime a = runtime(endpoint, table, 2_000);
    LocalRuntime b = runtime(endpoint, table, 2_000);
    for (int i = 0; i < 10; i++) {
      putRaw(
          dev.subminute.model.testing.SharedDynalite.client(),
          table,
          "shared-" + i,
          DriftProbe.NAME,
          250);
    }
    Await.until(
        "all ticking",
        10_000,
        () -> receipts.stream().map(DriftProbe.Receipt::jobId).distinct().count() == 10);
    Thread.sleep(4_000);
    a.halt();
    long haltedAt = System.currentTimeMillis();
    Await.until(
        "b fires every job",
        30_000,
        () ->
            receipts.stream()
                    .filter(r -> r.plannedAt() > haltedAt + 500)
                    .map(DriftProbe.Receipt::jobId)
                    .distinct()
                    .count()
                == 10);
    // a's timers stopped at the halt, so every tick planned after it came from b; b's newest host
    // is not asked to hold all ten jobs at one poll: windows here last 2 s, and on a busy machine
    // it held fewer than ten at every poll for 5 s while b's ticks reached every job
    assertNoDuplicates();
    long allMovedAfter =
        receipts.stream()
            .filter(r -> r.plannedAt() > haltedAt)
            .collect(
                java.util.stream.Collectors.toMap(
                    DriftProbe.Receipt::jobId, DriftProbe.Receipt::plannedAt, Math::min))
            .values()
            .stream()
            .mapToLong(first -> first - haltedAt)
            .max()
            .orElseThrow();
    long lease = HostConfig.embedded().leaseMs();
    assertTrue(
        allMovedAfter <= lease + 2_000,
        "last job moved " + allMovedAfter + " ms after the halt, lease " + lease + " ms");
    report(
        "two runtimes, 10 jobs: 0 ticks fired twice; every job on the survivor %d ms after the halt"
            + " (bound: lease %d ms + 2 s)",
        allMovedAfter, lease);
  }

  @Test
  void storage_200_ms_slower_leaves_dispatch_drift_within_bounds() throws Exception {
    String table = newTable();
    try (SlowProxy proxy =
        SlowProxy.start(dev.subminute.model.testing.SharedDynalite.server().port(), 200)) {
      LocalRuntime runtime = runtime(proxy.endpoint(), table, 3_000);
      // written straight to dynalite: only the runtime's own storage calls go through the proxy
      for (int i = 0; i < 5; i++) {
        putRaw(
            dev.subminute.model.testing.SharedDynalite.client(),
            table,
            "patient-" + i,
            DriftProbe.NAME,
            100);
      }
      Await.until("ticks", 30_000, () -> receipts.size() >= 300);
      runtime.close();
    }
    assertNoDuplicates();
    String timing = assertTimely("storage 200 ms slower", receipts);
    report("storage 200 ms slower: %s", timing);
  }

  @Test
  void hanging_slow_and_throwing_workers_delay_no_tick_and_show_in_status() throws Exception {
    String table = newTable();
    LocalRuntime runtime =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 2_000);
    putRaw(
        dev.subminute.model.testing.SharedDynalite.client(), table, "probe", DriftProbe.NAME, 100);
    for (int i = 0; i < 20; i++) {
      putRaw(dev.subminute.model.testing.SharedDynalite.client(), table, "hang-" + i, "hang", 100);
      putRaw(dev.subminute.model.testing.SharedDynalite.client(), table, "slow-" + i, "slow", 100);
      putRaw(
          dev.subminute.model.testing.SharedDynalite.client(), table, "throw-" + i, "thrower", 100);
    }
    // 300 ticks: the p99 then leaves out the three worst, not only the single worst
    Await.until("probe ticks", 60_000, () -> of("probe").size() >= 300);
    Await.until(
        "errors in status",
        20_000,
        () ->
            JobStatusView.of(runtime.table().get("hang-0").orElseThrow()).invokeErrors() > 0
                && JobStatusView.of(runtime.table().get("throw-0").orElseThrow()).invokeErrors()
                    > 0);
    assertTrue(runtime.lambda().throttles() > 0, "full pools throttle, as Lambda does");
    String timing = assertTimely("probe beside bad workers " + worst(of("probe")), of("probe"));
    assertTrue(runtime.lambda().failures() > 0, "throwing workers fail");
    report(
        "60 hanging, slow and throwing workers: probe %s; full pools throttled, throwing workers"
            + " failed, both counted in the items' invokeErrors",
        timing);
  }

  @Test
  void a_thousand_malformed_items_all_become_invalid_while_good_jobs_keep_ticking()
      throws Exception {
    String table = newTable();
    LocalRuntime runtime =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 3_000);
    DynamoDbClient client = dev.subminute.model.testing.SharedDynalite.client();
    for (int i = 0; i < 100; i++) {
      putRaw(client, table, "good-" + i, DriftProbe.NAME, 500);
    }
    Await.until(
        "good ticking",
        20_000,
        () -> receipts.stream().map(DriftProbe.Receipt::jobId).distinct().count() == 100);
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      String id = "bad-" + i;
      Map<String, AttributeValue> item =
          new HashMap<>(
              Map.of(
                  "jobId",
                  AttributeValue.fromS(id),
                  "workerArn",
                  AttributeValue.fromS(DriftProbe.NAME),
                  "intervalMs",
                  AttributeValue.fromN("500"),
                  "running",
                  AttributeValue.fromBool(true)));
      switch (i % 10) {
        case 0 -> item.put("intervalMs", AttributeValue.fromS("500"));
        case 1 -> item.remove("running");
        case 2 -> item.put("intervalMs", AttributeValue.fromN(i % 20 == 2 ? "0" : "-100"));
        case 3 -> item.put("intervalMs", AttributeValue.fromN("99999999999"));
        case 4 -> item.put("timezone", AttributeValue.fromS("Atlantis/Lost"));
        case 5 ->
            item.put(
                "profile",
                AttributeValue.fromL(
                    List.of(AttributeValue.fromM(Map.of("from", AttributeValue.fromS("25:00"))))));
        case 6 -> item.put("workerArn", AttributeValue.fromS("unknown-worker"));
        case 7 -> item.put("running", AttributeValue.fromS("yes"));
        case 8 ->
            item.put(
                "jobId",
                AttributeValue.fromS(i % 20 == 8 ? "bäd-ünïcode-" + i : "x".repeat(80) + i));
        default -> item.put("payload", AttributeValue.fromS("not a map"));
      }
      String key = item.get("jobId").s();
      bad.add(key);
      client.putItem(r -> r.tableName(table).item(item));
    }
    Await.until(
        "every bad item INVALID",
        60_000,
        () ->
            bad.stream()
                .allMatch(
                    id -> {
                      var item = runtime.table().get(id);
                      return item.isPresent()
                          && JobStatusView.of(item.get()).status() == JobStatus.INVALID;
                    }));
    for (String id : bad) {
      String reason = JobStatusView.of(runtime.table().get(id).orElseThrow()).statusReason();
      assertTrue(
          reason != null && reason.length() > 30 && reason.endsWith("."), id + ": " + reason);
    }
    long since = System.currentTimeMillis();
    Await.until(
        "good still ticking",
        10_000,
        () ->
            receipts.stream()
                    .filter(r -> r.plannedAt() > since)
                    .map(DriftProbe.Receipt::jobId)
                    .distinct()
                    .count()
                == 100);
    assertTrue(receipts.stream().noneMatch(r -> r.jobId().startsWith("bad")));
    String timing = assertTimely("good jobs among malformed items", receipts);
    report(
        "%d of %d malformed items INVALID with a reason, 0 ticks fired for them; the 100 good jobs' %s",
        bad.size(), bad.size(), timing);
  }

  @Test
  void payloads_near_400_kb_tick_like_any_other() throws Exception {
    String table = newTable();
    LocalRuntime runtime =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 3_000);
    String big = "x".repeat(390_000);
    dev.subminute.model.testing.SharedDynalite.client()
        .putItem(
            r ->
                r.tableName(table)
                    .item(
                        Map.of(
                            "jobId",
                            AttributeValue.fromS("heavy"),
                            "workerArn",
                            AttributeValue.fromS(DriftProbe.NAME),
                            "intervalMs",
                            AttributeValue.fromN("200"),
                            "running",
                            AttributeValue.fromBool(true),
                            "payload",
                            AttributeValue.fromM(Map.of("blob", AttributeValue.fromS(big))))));
    putRaw(
        dev.subminute.model.testing.SharedDynalite.client(), table, "light", DriftProbe.NAME, 100);
    Await.until("both ticking", 20_000, () -> of("heavy").size() >= 20 && of("light").size() >= 40);
    of("heavy").forEach(r -> assertEquals(0, r.plannedAt() % 200, "off the grid: " + r));
    String timing = assertTimely("the job beside the heavy one", of("light"));
    assertEquals(
        JobStatus.RUNNING, JobStatusView.of(runtime.table().get("heavy").orElseThrow()).status());
    report(
        "390 KB payload at 200 ms: RUNNING, every tick on its grid; the 100 ms job beside it %s",
        timing);
  }

  @Test
  void fifty_concurrent_edits_of_a_running_item_all_land_and_the_last_wins() throws Exception {
    String table = newTable();
    LocalRuntime runtime =
        runtime(dev.subminute.model.testing.SharedDynalite.server().endpoint(), table, 1_000);
    putRaw(
        dev.subminute.model.testing.SharedDynalite.client(),
        table,
        "contended",
        DriftProbe.NAME,
        100);
    Await.until("ticking", 10_000, () -> of("contended").size() > 5);
    ExecutorService editors = Executors.newFixedThreadPool(10);
    List<Future<Long>> edits = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int n = i;
      edits.add(
          editors.submit(
              () -> {
                while (true) {
                  var item = runtime.table().get("contended").orElseThrow();
                  AttributeValue v = item.get(JobTable.VERSION);
                  long version = v == null ? 0 : Long.parseLong(v.n());
                  try {
                    return runtime
                        .table()
                        .setAttributes(
                            "contended",
                            Map.of(
                                "payload",
                                AttributeValue.fromM(
                                    Map.of("edit", AttributeValue.fromN(Integer.toString(n))))),
                            Set.of(),
                            version);
                  } catch (UserWriteConflictException raced) {
                    // another edit landed first: read again
                  }
                }
              }));
    }
    Set<Long> versions = new HashSet<>();
    for (Future<Long> edit : edits) {
      versions.add(edit.get());
    }
    editors.shutdown();
    assertEquals(50, versions.size(), "every edit landed on its own version");
    long first = versions.stream().mapToLong(Long::longValue).min().orElseThrow();
    long last = versions.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertEquals(49, last - first, "the versions follow one another: " + versions);
    var item = runtime.table().get("contended").orElseThrow();
    assertEquals(Long.toString(last), item.get(JobTable.VERSION).n());
    assertEquals(JobStatus.RUNNING, JobStatusView.of(item).status());
    report(
        "50 concurrent edits of a running item: %d landed, versions %d to %d, the item at version"
            + " %s; none lost to status writes",
        versions.size(), first, last, item.get(JobTable.VERSION).n());
  }

  static void report(String format, Object... args) {
    System.out.println("[reliability] " + String.format(java.util.Locale.ROOT, format, args));
  }
}
