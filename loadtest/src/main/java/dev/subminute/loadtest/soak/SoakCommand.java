package dev.subminute.loadtest.soak;

import com.sun.net.httpserver.HttpServer;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.local.LocalLambda;
import dev.subminute.local.LocalRuntime;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.HttpPoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Long runs of the embedded runtime under what a careless user does, each ending in a verdict:
 * {@code idle} (scans per second over a long idle stretch), {@code two-runtimes} (a second runtime
 * started and stopped twice beside the first), {@code http-poll} (thousands of jobs polling an HTTP
 * server outside the runtime). Ticks are counted where they arrive: a loopback HTTP server stamps
 * each request with its own clock. Exit code 0 when every target held, 1 otherwise.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = "long runs with a verdict: idle, two-runtimes, http-poll")
public final class SoakCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "idle, two-runtimes or http-poll")
  String scenario;

  @Option(names = "--jobs", defaultValue = "2000", description = "jobs (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(
      names = "--minutes",
      defaultValue = "5",
      description = "length of the run (default ${DEFAULT-VALUE}; idle: 10 is the target)")
  int minutes;

  @Option(
      names = "--window-ms",
      defaultValue = "60000",
      description = "host window (default ${DEFAULT-VALUE})")
  long windowMs;

  @Option(
      names = "--aligned",
      description =
          "every job at offset 0, all ticking at the same instant each second (default: offsets"
              + " spread over the second on a 10 ms grain, as the load test's plan does)")
  boolean aligned;

  /** One request the outside server received: job, planned instant, arrival (epoch µs). */
  record Arrival(String jobId, long plannedAt, long arrivedMicros) {}

  private final ConcurrentLinkedQueue<Arrival> arrivals = new ConcurrentLinkedQueue<>();
  private long writeMs;
  private final List<String> failures = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try (DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.freePort(), null)) {
      HttpServer http = startServer();
      try {
        switch (scenario) {
          case "idle" -> idle(dynalite.endpoint());
          case "two-runtimes" -> twoRuntimes(dynalite.endpoint(), url(http));
          case "http-poll" -> httpPoll(dynalite.endpoint(), url(http));
          default -> {
            System.err.println(
                "soak: unknown scenario " + scenario + "; use idle, two-runtimes or http-poll");
            return 2;
          }
        }
      } finally {
        http.stop(0);
      }
    }
    failures.forEach(f -> System.out.println("FAILED: " + f));
    System.out.println(
        failures.isEmpty() ? "every target held" : failures.size() + " target(s) missed");
    return failures.isEmpty() ? 0 : 1;
  }

  private void idle(URI endpoint) throws Exception {
    try (LocalRuntime runtime = runtime(endpoint, "soak-idle")) {
      long[] perMinute = new long[minutes];
      long before = runtime.scans();
      for (int m = 0; m < minutes; m++) {
        Thread.sleep(60_000);
        long now = runtime.scans();
        perMinute[m] = now - before;
        before = now;
        System.out.printf("minute %d: %.2f scans/s%n", m + 1, perMinute[m] / 60.0);
      }
      long min = Arrays.stream(perMinute).min().orElse(0);
      long max = Arrays.stream(perMinute).max().orElse(0);
      long expected = 60_000 / LocalRuntime.Options.defaults().scanPeriodMs();
      check(
          min >= expected * 8 / 10,
          "as few as " + min + " scans in a minute, " + expected + " expected");
      check(max <= min * 1.2 + 2, "scans per minute between " + min + " and " + max);
      System.out.printf(
          "idle %d min: scans/s from %.2f to %.2f per minute%n", minutes, min / 60.0, max / 60.0);
    }
  }

  private void twoRuntimes(URI endpoint, String url) throws Exception {
    String table = "soak-two";
    LocalRuntime first = runtime(endpoint, table);
    try {
      long written = putJobs(first.table(), url);
      waitAllTicking(written);
      long from = System.currentTimeMillis() + 2_000;
      long phase = minutes * 60_000L / 5;
      int takeovers = 0;
      for (int round = 0; round < 2; round++) {
        Thread.sleep(phase);
        LocalRuntime second = runtime(endpoint, table);
        Thread.sleep(phase);
        second.close();
        takeovers += 2;
      }
      Thread.sleep(phase);
      long to = System.currentTimeMillis() - 2_000;
      verdict(from, to, takeovers);
      long stoppedAt = stopAll(first.table());
      Thread.sleep(10_000);
      long notStopped =
          first
              .table()
              .scanAll()
              .filter(i -> JobStatusView.of(i).status() != JobStatus.STOPPED)
              .count();
      check(notStopped == 0, notStopped + " jobs not STOPPED 10 s after their stop");
      long late = arrivals.stream().filter(a -> a.plannedAt() > stoppedAt + 2_000).count();
      check(late == 0, late + " ticks arrived after every job was stopped");
      System.out.printf("stop: all %d jobs STOPPED within 10 s, %d ticks after%n", jobs, late);
    } finally {
      first.close();
    }
  }

  private void httpPoll(URI endpoint, String url) throws Exception {
    try (LocalRuntime runtime = runtime(endpoint, "soak-poll")) {
      long written = putJobs(runtime.table(), url);
      waitAllTicking(written);
      long from = written + 5_000;
      Thread.sleep(minutes * 60_000L);
      verdict(from, System.currentTimeMillis() - 2_000, 0);
    }
  }

  /**
   * Every job's first arrival within 5 s of the batch write's end: no runtime can start a job
   * before its item is stored, and how long dynalite takes the write (seconds, for 2,000 items) is
   * printed apart.
   */
  private void waitAllTicking(long written) throws InterruptedException {
    long deadline = written + 60_000;
    while (firstArrivals().size() < jobs && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    Map<String, Long> first = firstArrivals();
    long worst = first.values().stream().mapToLong(t -> t - written).max().orElse(Long.MAX_VALUE);
    check(first.size() == jobs, first.size() + " of " + jobs + " jobs ticked within 60 s");
    check(
        worst <= 5_000,
        "the last job's first tick arrived " + worst + " ms after the batch write ended");
    System.out.printf(
        "start: %d of %d jobs ticking, the last %d ms after the batch write ended (%d ms after it"
            + " began)%n",
        first.size(), jobs, worst, worst + writeMs);
  }

  private Map<String, Long> firstArrivals() {
    Map<String, Long> first = new HashMap<>();
    arrivals.forEach(a -> first.merge(a.jobId(), a.arrivedMicros() / 1_000, Math::min));
    return first;
  }

  /** Counts from what arrived in [from, to): duplicates, misses per job, arrival drift. */
  private void verdict(long from, long to, int takeovers) {
    Set<String> seen = new HashSet<>();
    long duplicates = 0;
    List<Long> lagMicros = new ArrayList<>();
    Map<String, Set<Long>> byJob = new HashMap<>();
    for (Arrival a : arrivals) {
      if (a.plannedAt() < from || a.plannedAt() >= to) {
        continue;
      }
      if (!seen.add(a.jobId() + "@" + a.plannedAt())) {
        duplicates++;
      }
      lagMicros.add(a.arrivedMicros() - a.plannedAt() * 1_000);
      byJob.computeIfAbsent(a.jobId(), id -> new HashSet<>()).add(a.plannedAt());
    }
    long missed = 0;
    long worstJob = 0;
    for (int i = 0; i < jobs; i++) {
      Set<Long> got = byJob.getOrDefault("soak-" + i, Set.of());
      long jobMissed = 0;
      long offset = aligned ? 0 : i % 100 * 10;
      for (long t = (from / 1_000 + 1) * 1_000 + offset; t < to; t += 1_000) {
        if (!got.contains(t)) {
          jobMissed++;
        }
      }
      missed += jobMissed;
      worstJob = Math.max(worstJob, jobMissed);
    }
    long[] lags = lagMicros.stream().mapToLong(Long::longValue).sorted().toArray();
    double p50 = percentile(lags, 0.50);
    double p99 = percentile(lags, 0.99);
    double max = lags.length == 0 ? 0 : lags[lags.length - 1] / 1_000.0;
    System.out.printf(
        "%d ticks arrived in %d s: duplicated %d, missed %d (worst job %d, takeovers %d),"
            + " arrival drift p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
        lags.length, (to - from) / 1_000, duplicates, missed, worstJob, takeovers, p50, p99, max);
    check(duplicates == 0, duplicates + " (jobId, plannedAt) arrived twice");
    check(
        worstJob <= takeovers,
        "a job missed " + worstJob + " ticks in " + takeovers + " takeovers");
    check(p99 <= 10, "arrival drift p99 " + p99 + " ms");
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? 0 : sorted[(int) Math.ceil(sorted.length * q) - 1] / 1_000.0;
  }

  /** Writes every job in batches of 25; returns when the last batch was stored. */
  private long putJobs(JobTable table, String url) throws InterruptedException {
    List<Map<String, AttributeValue>> items = new ArrayList<>(jobs);
    long began = System.currentTimeMillis();
    for (int i = 0; i < jobs; i++) {
      items.add(
          Map.of(
              "jobId", AttributeValue.fromS("soak-" + i),
              "workerArn", AttributeValue.fromS(HttpPoll.NAME),
              "intervalMs", AttributeValue.fromN("1000"),
              "offsetMs", AttributeValue.fromN(aligned ? "0" : offsetMs(i)),
              "running", AttributeValue.fromBool(true),
              "payload", AttributeValue.fromM(Map.of("url", AttributeValue.fromS(url)))));
    }
    table.putAll(items);
    long ended = System.currentTimeMillis();
    writeMs = ended - began;
    System.out.printf(
        "wrote %d jobs in %d ms (%s)%n",
        jobs,
        writeMs,
        aligned ? "all at offset 0" : "offsets spread over the second on a 10 ms grain");
    return ended;
  }

  private static String offsetMs(int job) {
    return Integer.toString(job % 100 * 10);
  }

  /** Sets running = false on every job; returns when the last write landed. */
  private long stopAll(JobTable table) {
    for (int i = 0; i < jobs; i++) {
      table.setAttributes(
          "soak-" + i, Map.of("running", AttributeValue.fromBool(false)), Set.of(), 0);
    }
    return System.currentTimeMillis();
  }

  private LocalRuntime runtime(URI endpoint, String table) {
    LocalLambda lambda =
        new LocalLambda().register(HttpPoll.NAME, new HttpPoll(r -> {}), 64, 100_000);
    return LocalRuntime.start(
        LocalRuntime.Options.defaults()
            .withEndpoint(endpoint)
            .withTableName(table)
            .withController(ControllerConfig.embedded().withWindowMs(windowMs)),
        lambda);
  }

  private HttpServer startServer() throws java.io.IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1_000);
    http.setExecutor(Executors.newFixedThreadPool(8));
    http.createContext(
        "/tick",
        x -> {
          Instant now = Instant.now();
          arrivals.add(
              new Arrival(
                  x.getRequestHeaders().getFirst("X-Subminute-Job"),
                  Long.parseLong(x.getRequestHeaders().getFirst("X-Subminute-Planned-At")),
                  now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000));
          x.sendResponseHeaders(200, -1);
          x.close();
        });
    http.start();
    return http;
  }

  private static String url(HttpServer http) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/tick";
  }

  private void check(boolean held, String failure) {
    if (!held) {
      failures.add(failure);
    }
  }
}
