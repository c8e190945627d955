package dev.subminute.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.loadtest.aws.DeployedRun;
import dev.subminute.loadtest.aws.DeployedStack;
import dev.subminute.local.LocalLambda;
import dev.subminute.local.LocalRuntime;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.DriftProbe;
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
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@code subminute loadtest}: N drift-probe jobs written through the real table and run on the
 * embedded runtime; every tick collected and counted against the grid.
 */
@Command(
    name = "loadtest",
    mixinStandardHelpOptions = true,
    description = "Run N timers on the embedded runtime and report their drift.")
public final class LoadtestCommand implements Callable<Integer> {
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
    List<String> ids = plan.items().stream().map(JobItem::getJobId).toList();
    int seconds = (int) ((durationMs + 600_000) / 1_000);
    TickCollector collector = new TickCollector(ids, runStart, seconds);
    LocalLambda lambda =
        new LocalLambda()
            .register(
                LoadPlan.PROBE_WORKER, new DriftProbe(Clock.systemUTC(), collector), 4, 100_000)
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
    try (LocalRuntime runtime = LocalRuntime.start(options, lambda, lambda, collector);
        ProcessMetrics metrics =
            new ProcessMetrics(runtime.dynalite() == null ? 0 : runtime.dynalite().pid())) {
      batchPut(runtime.table(), plan.items());
      long written = System.currentTimeMillis();
      while (runtime.activeWindows() < jobs && System.currentTimeMillis() - written < 120_000) {
        printProgress(progress, "starting", runtime, collector, metrics, null);
        Thread.sleep(250);
      }
      long measureFrom = ((System.currentTimeMillis() + 2_000) / 1_000) * 1_000;
      long measureTo = measureFrom + durationMs;
      collector.measureFrom(measureFrom);
      collector.measureTo(measureTo);
      Thread.sleep(Math.max(0, measureFrom - System.currentTimeMillis()));
      if (cpuHog) {
        hog = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
      }
      metrics.start();
      long changeAt = changeIntervals == null ? 0 : measureFrom + durationMs / 2;
      LoadPlan changed = null;
      Histogram live = null;
      while (System.currentTimeMillis() < measureTo) {
        Thread.sleep(1_000 - System.currentTimeMillis() % 1_000);
        if (changeAt > 0 && changed == null && System.currentTimeMillis() >= changeAt) {
          long[] to = Durations.range(changeIntervals);
          changed = plan.withIntervals(to[0], to[1], seed + 1);
          changeAt = System.currentTimeMillis();
          batchPut(runtime.table(), changed.items());
        }
        metrics.sample();
        live = collector.liveDrift(live);
        printProgress(
            progress,
            (System.currentTimeMillis() - measureFrom) / 1000 + "/" + durationMs / 1000 + " s",
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
      Thread.sleep(500);
      runtime.close();
      if (!quiet) {
        progress.println();
      }
      Accounting.Counts counts = count(plan, changed, collector, measureFrom, measureTo, changeAt);
      Histogram drift = new Histogram(3_600_000_000L, 3);
      for (Histogram h : collector.driftPerSecond()) {
        drift.add(h);
      }
      Histogram lag = collector.receiptLag();
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("jobs", jobs);
      summary.put("interval", interval);
      summary.put("durationS", durationMs / 1000);
      summary.put("ticksPerSecond", Math.round(counts.fired() / (durationMs / 1000.0)));
      summary.put("driftP50Ms", ms(drift.getValueAtPercentile(50)));
      summary.put("driftP90Ms", ms(drift.getValueAtPercentile(90)));
      summary.put("driftP99Ms", ms(drift.getValueAtPercentile(99)));
      summary.put("driftP999Ms", ms(drift.getValueAtPercentile(99.9)));
      summary.put("driftMaxMs", ms(drift.getMaxValue()));
      summary.put("lagP50Ms", ms(lag.getValueAtPercentile(50)));
      summary.put("lagP99Ms", ms(lag.getValueAtPercentile(99)));
      summary.put("lagP999Ms", ms(lag.getValueAtPercentile(99.9)));
      summary.put("lagMaxMs", ms(lag.getMaxValue()));
      summary.put("planned", counts.planned());
      summary.put("fired", counts.fired());
      summary.put("missed", counts.missed());
      summary.put("duplicated", counts.duplicated());
      summary.put("offGrid", counts.offGrid());
      summary.put("missedByController", collector.missedByController());
      summary.put("duplicateReceipts", collector.duplicateReceipts());
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
      summary.put("windows", runtime.windows());
      summary.put("failedWindows", runtime.failedWindows());
      summary.put("lastScanMs", runtime.lastScanMs());
      Path folder =
          out != null
              ? out
              : Path.of(
                  "target",
                  "loadtest",
                  Instant.ofEpochMilli(runStart).toString().replace(':', '-'));
      writeReports(folder, summary, collector, measureFrom, drift, lag);
      summary.put("report", folder.resolve("report.html").toString());
      return new Result(summary, counts);
    } finally {
      if (hog != null) {
        hog.destroyForcibly();
      }
    }
  }

  private Accounting.Counts count(
      LoadPlan plan, LoadPlan changed, TickCollector collector, long from, long to, long changeAt) {
    List<Accounting.Counts> counts = new ArrayList<>();
    for (int i = 0; i < plan.jobs().size(); i++) {
      var job = plan.jobs().get(i);
      TickCollector.JobTicks ticks = collector.ticksOf(job.jobId());
      if (changed == null) {
        counts.add(Accounting.count(job, ticks.plannedAt, ticks.size, from, to));
      } else {
        // the change applies once the runtime has seen it: leave out a settling span
        long settled = changeAt + 3_000 + job.intervalMs();
        counts.add(Accounting.count(job, ticks.plannedAt, ticks.size, from, changeAt));
        counts.add(
            Accounting.count(changed.jobs().get(i), ticks.plannedAt, ticks.size, settled, to));
      }
    }
    return Accounting.total(counts);
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
                " | ticks/s %d | drift p99 %.2f ms max %.2f ms",
                live.getTotalCount(),
                ms(live.getValueAtPercentile(99)),
                ms(live.getMaxValue()));
    progress.printf(
        Locale.ROOT,
        "\r%-10s jobs %d/%d%s | missed %d | rss %d MB   ",
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
    summary.put("driftP50Ms", ms(r.drift().getValueAtPercentile(50)));
    summary.put("driftP99Ms", ms(r.drift().getValueAtPercentile(99)));
    summary.put("driftP999Ms", ms(r.drift().getValueAtPercentile(99.9)));
    summary.put("driftMaxMs", ms(r.drift().getMaxValue()));
    summary.put("lagP50Ms", ms(r.lag().getValueAtPercentile(50)));
    summary.put("lagP99Ms", ms(r.lag().getValueAtPercentile(99)));
    summary.put("lagMaxMs", ms(r.lag().getMaxValue()));
    summary.put("planned", r.counts().planned());
    summary.put("fired", r.counts().fired());
    summary.put("missed", r.counts().missed());
    summary.put("duplicated", r.counts().duplicated());
    System.out.println(new ObjectMapper().writeValueAsString(summary));
    return 0;
  }

  /** Writes the items through the table in batches of 25, retrying what was left unprocessed. */
  public static void batchPut(JobTable table, List<JobItem> items) {
    for (int i = 0; i < items.size(); i += 25) {
      List<WriteRequest> batch = new ArrayList<>();
      for (JobItem item : items.subList(i, Math.min(items.size(), i + 25))) {
        Map<String, AttributeValue> map =
            new LinkedHashMap<>(JobTable.SCHEMA.itemToMap(item, true));
        batch.add(
            WriteRequest.builder().putRequest(PutRequest.builder().item(map).build()).build());
      }
      Map<String, List<WriteRequest>> pending = Map.of(table.name(), batch);
      while (!pending.isEmpty()) {
        Map<String, List<WriteRequest>> request = pending;
        pending = table.client().batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
      }
    }
  }

  private void writeReports(
      Path folder,
      Map<String, Object> summary,
      TickCollector collector,
      long measureFrom,
      Histogram drift,
      Histogram lag)
      throws IOException {
    Files.createDirectories(folder);
    Histogram[] perSecond = collector.driftPerSecond();
    try (PrintStream log =
        new PrintStream(
            Files.newOutputStream(folder.resolve("drift.hlog")), true, StandardCharsets.UTF_8)) {
      HistogramLogWriter writer = new HistogramLogWriter(log);
      writer.outputComment("dispatch drift per second, microseconds");
      writer.outputStartTime(collector.startMs());
      writer.outputLegend();
      for (int s = 0; s < perSecond.length; s++) {
        if (perSecond[s].getTotalCount() > 0) {
          perSecond[s].setStartTimeStamp(collector.startMs() + s * 1_000L);
          perSecond[s].setEndTimeStamp(collector.startMs() + (s + 1) * 1_000L);
          writer.outputIntervalHistogram(perSecond[s]);
        }
      }
    }
    Map<String, String> table = new LinkedHashMap<>();
    summary.forEach((k, v) -> table.put(k, String.valueOf(v)));
    long measureFromSecond = (measureFrom - collector.startMs()) / 1_000;
    Files.writeString(
        folder.resolve("report.html"),
        HtmlReport.render(
            "subminute load test: " + jobs + " jobs, " + interval,
            table,
            perSecond,
            measureFromSecond,
            drift,
            lag));
    Files.writeString(
        folder.resolve("summary.json"),
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
  }

  private static double ms(long micros) {
    return Math.round(micros / 10.0) / 100.0;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
