package dev.subminute.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.loadtest.aws.DeployedRun;
import dev.subminute.loadtest.aws.DeployedStack;
import dev.subminute.local.LocalLambda;
import dev.subminute.local.LocalRuntime;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobAttributes;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.HttpPoll;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code subminute loadtest}: N drift-probe jobs written through the real table and run on the
 * embedded runtime; every tick collected and counted against the grid.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    description = "Run N timers on the embedded runtime and report their drift.")
public final class LoadtestCommand implements Callable<Integer> {
  /** The runtime promises that a written item ticks within a second. */
  static final long DISCOVERY_PROMISE_MS = 1_000;

  /**
   * After the span, receipts of its last ticks get this long to arrive before the runtime stops.
   */
  static final long RECEIPT_GRACE_MS = 1_000;

  /** Wraps the invoker the runtime dispatches through; tests rig it to drop or repeat ticks. */
  UnaryOperator<WorkerInvoker> invokerRig = UnaryOperator.identity();

  @Option(
      names = "--jobs",
      defaultValue = "1000",
      description = "number of jobs (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(
      names = "--interval",
      defaultValue = "100ms..5s",
      description = "interval or range, uniform on a 100 ms grain (default ${DEFAULT-VALUE})")
  String interval;

  @Option(
      names = "--duration",
      defaultValue = "60s",
      description = "measured span (default ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--window",
      defaultValue = "60s",
      description = "controller window (default ${DEFAULT-VALUE})")
  String window;

  @Option(
      names = "--slow-share",
      defaultValue = "0",
      description = "share of jobs whose worker takes 10 s")
  double slowShare;

  @Option(
      names = "--failing-share",
      defaultValue = "0",
      description = "share of jobs whose worker throws")
  double failingShare;

  @Option(
      names = "--profile-switch",
      description = "at mid-run a profile rule switches every job to this interval, e.g. 250ms")
  String profileSwitch;

  @Option(
      names = "--change-intervals",
      description =
          "at mid-run, write new intervals to every item, from this range, e.g. 200ms..1s")
  String changeIntervals;

  @Option(
      names = "--cpu-hog",
      description = "keep the other core busy with a spinning process during the run")
  boolean cpuHog;

  @Option(
      names = "--receiver",
      defaultValue = "in-process",
      description =
          "who stamps arrival: in-process (the drift-probe worker) or http-poll (http-poll jobs"
              + " polling a loopback HTTP server that stamps each request)")
  String receiver;

  @Option(
      names = "--exclude-startup",
      description =
          "measure from the moment every job runs, not from the items' write (named in the report)")
  boolean excludeStartup;

  @Option(
      names = "--lambda-like",
      description =
          "run the timer as Lambda does: no real-time priority, default timer slack, one core")
  boolean lambdaLike;

  @Option(names = "--out", description = "report folder (default target/loadtest/<time>)")
  Path out;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Option(names = "--quiet", description = "no progress line")
  boolean quiet;

  @Option(
      names = "--stack",
      description =
          "run against this deployed stack (AWS credentials and region from the default chains)")
  String stack;

  @Option(
      names = "--table",
      description = "run against this real table; needs --worker-arn and --probe-log-group")
  String table;

  @Option(names = "--worker-arn", description = "with --table: the deployed drift-probe worker")
  String workerArn;

  @Option(
      names = "--probe-log-group",
      description = "with --table: the drift-probe worker's log group")
  String probeLogGroup;

  @Override
  public Integer call() throws Exception {
    if (stack != null || table != null) {
      return runDeployed();
    }
    Result result = run(System.err);
    System.err.println(headline(result.summary()));
    System.out.println(result.json());
    return 0;
  }

  /** What a run measured: the summary and the accounting. */
  public record Result(Map<String, Object> summary, Accounting.Counts counts) {
    public String json() throws IOException {
      return new ObjectMapper().writeValueAsString(summary);
    }
  }

  public Result run(PrintStream progress) throws Exception {
    if (!receiver.equals("in-process") && !receiver.equals("http-poll")) {
      throw new IllegalArgumentException(
          "--receiver " + receiver + " is not known; write --receiver in-process or http-poll");
    }
    if (lambdaLike) {
      System.setProperty(SystemTimeSource.TUNING_PROPERTY, "off");
    }
    long[] intervals = Durations.range(interval);
    long durationMs = Durations.millis(duration);
    long windowMs = Durations.millis(window);
    long runStart = System.currentTimeMillis();
    long switchAtMs =
        profileSwitch == null ? 0 : ((runStart + durationMs / 2 + 60_000) / 60_000) * 60_000;
    // the switch rule starts at a whole minute: lengthen nothing, just place it inside the run
    LoadPlan plan =
        LoadPlan.create(
            jobs,
            intervals[0],
            intervals[1],
            slowShare,
            failingShare,
            profileSwitch == null ? null : Instant.ofEpochMilli(switchAtMs),
            profileSwitch == null ? 0 : Durations.millis(profileSwitch),
            seed);
    List<String> ids = plan.jobIds();
    TickCollector collector = new TickCollector(ids);
    HttpReceiver http = receiver.equals("http-poll") ? new HttpReceiver(collector) : null;
    if (http != null) {
      plan = plan.polling(http.url());
    }
    LocalLambda lambda =
        new LocalLambda()
            .register(
                LoadPlan.PROBE_WORKER, new DriftProbe(Clock.systemUTC(), collector), 4, 100_000)
            .register(HttpPoll.NAME, new HttpPoll(poll -> {}), 8, 100_000)
            .register(LoadPlan.SLOW_WORKER, (event, payload) -> Thread.sleep(10_000), 16, 1_000)
            .register(
                LoadPlan.FAILING_WORKER,
                (event, payload) -> {
                  throw new IllegalStateException("failing on purpose");
                },
                2,
                10_000);
    LocalRuntime.Options options =
        LocalRuntime.Options.defaults()
            .withPort(dev.subminute.model.dynalite.DynaliteServer.freePort())
            .withTableName("loadtest")
            .withController(ControllerConfig.embedded().withWindowMs(windowMs));
    Process hog = null;
    try (LocalRuntime runtime =
            LocalRuntime.start(options, lambda, invokerRig.apply(lambda), collector);
        ProcessMetrics metrics =
            new ProcessMetrics(runtime.dynalite() == null ? 0 : runtime.dynalite().pid())) {
      String cpuShare = lambdaLike ? CpuShare.pinToOneCore() : "every core";
      batchPut(runtime.table(), plan.jobs());
      long written = System.currentTimeMillis();
      List<String> excluded = new ArrayList<>();
      long startedAt = 0;
      long measureFrom;
      if (excludeStartup) {
        while (runtime.activeWindows() < jobs && System.currentTimeMillis() - written < 120_000) {
          printProgress(progress, "starting", runtime, collector, metrics, null);
          Thread.sleep(250);
        }
        startedAt = System.currentTimeMillis();
        measureFrom = ((startedAt + 2_000) / 1_000) * 1_000;
        excluded.add(
            String.format(
                Locale.ROOT,
                "start-up: the %.1f s from the last item written until every job's window ran",
                (startedAt - written) / 1000.0));
        Thread.sleep(Math.max(0, measureFrom - System.currentTimeMillis()));
      } else {
        // a written item ticks within a second: that is the promise, so it is measured from there
        measureFrom = written + DISCOVERY_PROMISE_MS;
      }
      long measureTo = measureFrom + durationMs;
      collector.measure(measureFrom, measureTo);
      if (cpuHog) {
        hog = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
      }
      metrics.start();
      long changeAt = changeIntervals == null ? 0 : measureFrom + durationMs / 2;
      LoadPlan changed = null;
      Histogram live = null;
      while (System.currentTimeMillis() < measureTo) {
        Thread.sleep(
            Math.min(1_000 - System.currentTimeMillis() % 1_000, Math.max(1, measureTo - now())));
        if (startedAt == 0 && runtime.activeWindows() >= jobs) {
          startedAt = System.currentTimeMillis();
        }
        if (changeAt > 0 && changed == null && System.currentTimeMillis() >= changeAt) {
          long[] to = Durations.range(changeIntervals);
          changed = plan.withIntervals(to[0], to[1], seed + 1);
          changeAt = System.currentTimeMillis();
          batchPut(runtime.table(), changed.jobs());
        }
        metrics.sample();
        live = collector.liveArrival(live);
        printProgress(
            progress,
            Math.max(0, now() - measureFrom) / 1000 + "/" + durationMs / 1000 + " s",
            runtime,
            collector,
            metrics,
            live);
      }
      double cpu = metrics.cpuCores();
      double dynaliteCpu = metrics.helperCpuCores();
      long rss = metrics.maxRssMb();
      long dynaliteRss = metrics.helperRssMb();
      if (hog != null) {
        hog.destroyForcibly();
      }
      Thread.sleep(RECEIPT_GRACE_MS);
      runtime.close();
      if (!quiet) {
        progress.println();
      }
      if (changed != null) {
        excluded.add(
            "the 3 s and one interval after the mid-run change, while the runtime picks it up");
      }
      Accounting.Counts counts = count(plan, changed, collector, measureFrom, measureTo, changeAt);
      int seconds = (int) ((durationMs + 999) / 1_000);
      SignedHistogram[] arrivalPerSecond = perSecond(seconds);
      SignedHistogram[] dispatchPerSecond = perSecond(seconds);
      for (String id : ids) {
        spread(collector.receivedOf(id), measureFrom, measureTo, arrivalPerSecond);
        spread(collector.dispatchedOf(id), measureFrom, measureTo, dispatchPerSecond);
      }
      SignedHistogram arrival = sum(arrivalPerSecond);
      SignedHistogram dispatch = sum(dispatchPerSecond);
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("jobs", jobs);
      summary.put("countedJobs", plan.jobs().stream().filter(LoadPlan::counted).count());
      summary.put("interval", interval);
      summary.put("durationS", durationMs / 1000);
      summary.put("windowS", windowMs / 1000);
      summary.put(
          "receiver",
          http == null
              ? "in-process drift-probe worker, its own clock read on arrival"
              : "loopback HTTP server polled by http-poll, its own clock read on each request");
      summary.put("measured", excludeStartup ? "from every job running" : "from the items' write");
      summary.put("excluded", excluded);
      summary.put("startupS", startedAt == 0 ? null : round((startedAt - written) / 1000.0));
      summary.put("ticksPerSecond", Math.round(counts.fired() / (durationMs / 1000.0)));
      arrival.putInto(summary, "arrivalDrift");
      summary.put("arrivedEarly", arrival.earlyCount());
      dispatch.putInto(summary, "dispatchDrift");
      counts.putInto(summary);
      summary.put("missedByController", collector.missedByController());
      summary.put("unknownReceipts", collector.unknownReceipts());
      summary.put("runtimeCpuCores", round(cpu));
      summary.put("dynaliteCpuCores", round(dynaliteCpu));
      summary.put("runtimeRssMb", rss);
      summary.put("dynaliteRssMb", dynaliteRss);
      summary.put("gcPauses", metrics.gcPauses());
      summary.put("gcPauseMaxMs", metrics.gcPauseMaxMs());
      summary.put("gcPauseTotalMs", metrics.gcPauseTotalMs());
      summary.put("workerFailures", lambda.failures());
      summary.put("workerThrottles", lambda.throttles());
      summary.put("cpuHog", cpuHog);
      summary.put("lambdaLike", lambdaLike);
      summary.put("cpuShare", cpuShare);
      summary.put("timerTuning", Machine.timerTuning());
      summary.put("machine", Machine.describe());
      summary.put("hostHandovers", runtime.windows());
      summary.put("storageErrors", runtime.failedWindows());
      summary.put("lastScanMs", runtime.lastScanMs());
      summary.put("measuredFromEpochMs", measureFrom);
      summary.put("measuredToEpochMs", measureTo);
      Path folder =
          out != null
              ? out
              : Path.of(
                  "target",
                  "loadtest",
                  Instant.ofEpochMilli(runStart).toString().replace(':', '-'));
      writeReports(folder, summary, arrivalPerSecond, dispatchPerSecond, arrival, dispatch);
      summary.put("report", folder.resolve("report.html").toString());
      return new Result(summary, counts);
    } finally {
      if (hog != null) {
        hog.destroyForcibly();
      }
      if (http != null) {
        http.close();
      }
    }
  }

  /** One line a person reads: the headline figures of a run. */
  static String headline(Map<String, Object> s) {
    return String.format(
        Locale.ROOT,
        "arrival drift p50 %s p99 %s p99.9 %s max %s min %s ms (dispatch p99 %s max %s ms) |"
            + " planned %s fired %s missed %s duplicated %s off-grid %s lost in dispatch %s",
        s.get("arrivalDriftP50Ms"),
        s.get("arrivalDriftP99Ms"),
        s.get("arrivalDriftP999Ms"),
        s.get("arrivalDriftMaxMs"),
        s.get("arrivalDriftMinMs"),
        s.get("dispatchDriftP99Ms"),
        s.get("dispatchDriftMaxMs"),
        s.get("planned"),
        s.get("fired"),
        s.get("missed"),
        s.get("duplicated"),
        s.get("offGrid"),
        s.get("lostInDispatch"));
  }

  private static SignedHistogram[] perSecond(int seconds) {
    SignedHistogram[] h = new SignedHistogram[seconds];
    for (int i = 0; i < seconds; i++) {
      h[i] = new SignedHistogram();
    }
    return h;
  }

  private static void spread(
      TickCollector.JobTicks ticks, long from, long to, SignedHistogram[] perSecond) {
    for (int i = 0; i < ticks.size; i++) {
      long planned = ticks.plannedAt[i];
      if (planned >= from && planned < to) {
        perSecond[(int) ((planned - from) / 1_000)].record(ticks.driftMicros[i]);
      }
    }
  }

  private static SignedHistogram sum(SignedHistogram[] parts) {
    SignedHistogram total = new SignedHistogram();
    for (SignedHistogram h : parts) {
      total.add(h);
    }
    return total;
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  private Accounting.Counts count(
      LoadPlan plan, LoadPlan changed, TickCollector collector, long from, long to, long changeAt) {
    List<Accounting.Counts> counts = new ArrayList<>();
    for (int i = 0; i < plan.jobs().size(); i++) {
      var job = plan.jobs().get(i);
      if (!LoadPlan.counted(job)) {
        continue; // slow and failing workers send no receipt: they load the runtime, not the count
      }
      long[] received = plannedAt(collector.receivedOf(job.jobId()));
      long[] dispatched = plannedAt(collector.dispatchedOf(job.jobId()));
      if (changed == null) {
        counts.add(Accounting.count(job, received, dispatched, from, to));
      } else {
        // the change applies once the runtime has seen it: leave out a settling span
        long settled = changeAt + 3_000 + job.intervalMs();
        counts.add(Accounting.count(job, received, dispatched, from, changeAt));
        counts.add(Accounting.count(changed.jobs().get(i), received, dispatched, settled, to));
      }
    }
    return Accounting.total(counts);
  }

  private static long[] plannedAt(TickCollector.JobTicks ticks) {
    return java.util.Arrays.copyOf(ticks.plannedAt, ticks.size);
  }

  private void printProgress(
      PrintStream progress,
      String phase,
      LocalRuntime runtime,
      TickCollector collector,
      ProcessMetrics metrics,
      Histogram live) {
    if (quiet) {
      return;
    }
    String drift =
        live == null || live.getTotalCount() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                " | arrivals/s %d | arrival drift p99 %.2f ms max %.2f ms",
                live.getTotalCount(),
                ms(live.getValueAtPercentile(99)),
                ms(live.getMaxValue()));
    progress.printf(
        Locale.ROOT,
        "\r%-10s jobs %d/%d%s | missed by the controller %d | rss %d MB   ",
        phase,
        runtime.activeWindows(),
        jobs,
        drift,
        collector.missedByController(),
        metrics.maxRssMb());
    progress.flush();
  }

  /** The same plan and accounting against AWS: see {@link DeployedRun}. */
  private int runDeployed() throws Exception {
    DeployedStack target;
    if (stack != null) {
      target =
          DeployedStack.describe(
              software.amazon.awssdk.services.cloudformation.CloudFormationClient.create(), stack);
    } else if (workerArn == null || probeLogGroup == null) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--table needs --worker-arn and --probe-log-group (or use --stack)");
    } else {
      target = new DeployedStack(table, workerArn, probeLogGroup);
    }
    long[] intervals = Durations.range(interval);
    LoadPlan plan = LoadPlan.create(jobs, intervals[0], intervals[1], 0, 0, null, 0, seed);
    DeployedRun.Result r =
        new DeployedRun(
                new JobTable(DynamoClients.aws(), target.tableName()),
                software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient.create(),
                target)
            .run(plan, Durations.millis(duration), System.err);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("jobs", jobs);
    summary.put("table", target.tableName());
    summary.put("receiver", "the deployed drift-probe Lambda, its own clock read on arrival");
    r.arrival().putInto(summary, "arrivalDrift");
    summary.put("arrivedEarly", r.arrival().earlyCount());
    r.dispatch().putInto(summary, "dispatchDrift");
    summary.put("planned", r.counts().planned());
    summary.put("fired", r.counts().fired());
    summary.put("missed", r.counts().missed());
    summary.put("duplicated", r.counts().duplicated());
    summary.put("offGrid", r.counts().offGrid());
    // the controllers' dispatches are not read back from AWS: lost-in-dispatch shows as missed
    summary.put("lostInDispatch", "not measured: counted as missed");
    summary.put("machine", Machine.describe());
    System.err.println(headline(summary));
    System.out.println(new ObjectMapper().writeValueAsString(summary));
    return 0;
  }

  /** Writes the jobs through the table in batches of 25. */
  public static void batchPut(JobTable table, List<Job> jobs) throws InterruptedException {
    table.putAll(jobs.stream().map(JobAttributes::of).toList());
  }

  private void writeReports(
      Path folder,
      Map<String, Object> summary,
      SignedHistogram[] arrivalPerSecond,
      SignedHistogram[] dispatchPerSecond,
      SignedHistogram arrival,
      SignedHistogram dispatch)
      throws IOException {
    Files.createDirectories(folder);
    long from = (Long) summary.get("measuredFromEpochMs");
    try (PrintStream log =
        new PrintStream(
            Files.newOutputStream(folder.resolve("drift.hlog")), true, StandardCharsets.UTF_8)) {
      HistogramLogWriter writer = new HistogramLogWriter(log);
      writer.outputComment(
          "per second of the measured span, µs; tags: arrival and dispatch drift, *-early holds"
              + " the magnitudes of values below zero");
      writer.outputStartTime(from);
      writer.outputLegend();
      for (int s = 0; s < arrivalPerSecond.length; s++) {
        long start = from + s * 1_000L;
        writeTagged(writer, "arrival", arrivalPerSecond[s].late(), start);
        writeTagged(writer, "arrival-early", arrivalPerSecond[s].early(), start);
        writeTagged(writer, "dispatch", dispatchPerSecond[s].late(), start);
        writeTagged(writer, "dispatch-early", dispatchPerSecond[s].early(), start);
      }
    }
    Map<String, String> table = new LinkedHashMap<>();
    summary.forEach((k, v) -> table.put(k, String.valueOf(v)));
    Files.writeString(
        folder.resolve("report.html"),
        HtmlReport.render(
            "subminute load test: " + jobs + " jobs, " + interval,
            table,
            arrivalPerSecond,
            dispatchPerSecond,
            arrival,
            dispatch));
    Files.writeString(
        folder.resolve("summary.json"),
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
  }

  private static void writeTagged(
      HistogramLogWriter writer, String tag, Histogram h, long startMs) {
    if (h.getTotalCount() == 0) {
      return;
    }
    Histogram copy = h.copy();
    copy.setTag(tag);
    copy.setStartTimeStamp(startMs);
    copy.setEndTimeStamp(startMs + 1_000);
    writer.outputIntervalHistogram(copy);
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
