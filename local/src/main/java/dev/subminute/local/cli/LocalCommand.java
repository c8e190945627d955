package dev.subminute.local.cli;

import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.local.DemoJobs;
import dev.subminute.local.LocalLambda;
import dev.subminute.local.LocalRuntime;
import dev.subminute.local.RuntimeStats;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.HttpPoll;
import dev.subminute.worker.LogWorker;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkClientException;

/** {@code subminute local}: the embedded runtime, with a status line every second. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "Run the embedded runtime: dynalite, the controller and the example workers.")
public final class LocalCommand implements Callable<Integer> {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final long MIN_WINDOW_MS = 1_000;
  private static final long MAX_WINDOW_MS = 840_000;

  @Option(
      names = "--demo",
      description =
          "insert demo jobs: an http-poll with a day/night profile, a 100 ms drift-probe, a log")
  boolean demo;

  @Option(
      names = "--port",
      defaultValue = "4567",
      description = "port of the local DynamoDB API (default ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--endpoint",
      description = "use this DynamoDB endpoint instead of starting dynalite")
  URI endpoint;

  @Option(
      names = "--aws",
      description = "use a real table with the default AWS credential and region chains")
  boolean aws;

  @Option(
      names = "--table",
      defaultValue = "subminute-jobs",
      description = "table name (default ${DEFAULT-VALUE}); created if missing")
  String table;

  @Option(
      names = "--data-dir",
      description = "keep dynalite's data here so a restart finds the jobs (default: in memory)")
  Path dataDir;

  @Option(
      names = "--window-ms",
      defaultValue = "60000",
      description =
          "host window: a successor host takes the shards over at its end, as a host Lambda's"
              + " next invocation does on AWS (default ${DEFAULT-VALUE})")
  long windowMs;

  @Option(
      names = "--duration",
      description = "stop after this many seconds (default: until Ctrl-C)")
  Long durationSeconds;

  @Override
  public Integer call() throws Exception {
    checkOptions();
    AtomicLong workerLines = new AtomicLong();
    LocalLambda lambda =
        new LocalLambda()
            .register(HttpPoll.NAME, new HttpPoll(r -> {}), 16, 2_000)
            .register(DriftProbe.NAME, new DriftProbe(Clock.systemUTC(), r -> {}), 8, 10_000)
            .register(
                LogWorker.NAME,
                new LogWorker(
                    line -> {
                      workerLines.incrementAndGet();
                      System.out.println("  [log worker] " + line);
                    }),
                2,
                1_000);
    LocalRuntime.Options options =
        LocalRuntime.Options.defaults()
            .withPort(port)
            .withEndpoint(endpoint)
            .withAws(aws)
            .withDataDir(dataDir)
            .withTableName(table)
            .withController(ControllerConfig.embedded().withWindowMs(windowMs));
    LocalRuntime runtime = start(options, lambda);
    AtomicBoolean storageDied = new AtomicBoolean();
    AtomicBoolean stopping = new AtomicBoolean();
    if (runtime.dynalite() != null) {
      runtime
          .dynalite()
          .onUnexpectedExit(
              reason -> {
                if (stopping.get()) {
                  return;
                }
                storageDied.set(true);
                System.err.println(
                    "subminute: the embedded DynamoDB server died, so no job can be changed or"
                        + " recorded: stopping every timer and exiting ("
                        + reason
                        + "); check free disk space"
                        + (dataDir == null ? "" : " under " + dataDir)
                        + " and start again");
                runtime.halt();
                System.exit(ErrorReporting.STORAGE_DIED);
              });
    }
    DemoJobs demoJobs = demo ? DemoJobs.startEndpoint() : null;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  if (demoJobs != null) {
                    demoJobs.close();
                  }
                  if (!storageDied.get()) {
                    System.out.println(
                        "stopping: shards handed over or released, status written...");
                    runtime.close();
                    System.out.println("stopped.");
                  }
                  stopped.countDown();
                }));
    System.out.println("subminute local runtime");
    System.out.println(
        "  DynamoDB endpoint: "
            + (aws ? "AWS (default chain)" : runtime.endpoint())
            + "  table: "
            + table);
    System.out.println("  workers: http-poll, drift-probe, log");
    if (demoJobs != null) {
      List<String> ids = demoJobs.insert(runtime.table());
      System.out.println(
          "  demo jobs: " + String.join(", ", ids) + " (http-poll polls " + demoJobs.url() + ")");
    }
    System.out.println(
        "  try: aws dynamodb scan --endpoint-url " + runtime.endpoint() + " --table-name " + table);
    long until =
        durationSeconds == null
            ? Long.MAX_VALUE
            : System.currentTimeMillis() + durationSeconds * 1_000;
    while (System.currentTimeMillis() < until) {
      Thread.sleep(1_000 - System.currentTimeMillis() % 1_000);
      RuntimeStats.Interval i = runtime.stats().interval();
      var discovery = runtime.lastDiscovery();
      System.out.printf(
          "%s jobs %d (running %d) | ticks/s %d | drift p99 %.2f ms max %.2f ms | missed %d | invalid %d | worker errors %d%s%n",
          LocalTime.now().format(TIME),
          discovery.jobs(),
          runtime.activeWindows(),
          i.fired(),
          i.driftP99Micros() / 1000.0,
          i.driftMaxMicros() / 1000.0,
          runtime.stats().missed(),
          discovery.invalid(),
          lambda.failures() + lambda.throttles(),
          demoJobs == null ? "" : " | demo endpoint hits " + demoJobs.requests());
    }
    System.exit(0);
    stopped.await();
    return 0;
  }

  private void checkOptions() {
    if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) {
      throw new IllegalArgumentException(
          "--window-ms "
              + windowMs
              + " is out of range; give "
              + MIN_WINDOW_MS
              + " to "
              + MAX_WINDOW_MS
              + " (a host window of 1 s to 14 min)");
    }
    if (durationSeconds != null && durationSeconds < 1) {
      throw new IllegalArgumentException(
          "--duration "
              + durationSeconds
              + " must be 1 second or more (or left out: until Ctrl-C)");
    }
    if (dataDir != null && (endpoint != null || aws)) {
      throw new IllegalArgumentException(
          "--data-dir applies to the dynalite that subminute starts; drop it, or drop "
              + (aws ? "--aws" : "--endpoint"));
    }
  }

  /** Starts the runtime; an unreachable endpoint is one line, and nothing is left running. */
  private LocalRuntime start(LocalRuntime.Options options, LocalLambda lambda) {
    try {
      return LocalRuntime.start(options, lambda);
    } catch (SdkClientException e) {
      lambda.close();
      String where;
      String todo;
      if (aws) {
        where = "on AWS";
        todo = "check the AWS credentials and region";
      } else if (endpoint != null) {
        where = "at " + endpoint;
        todo = "start it, or leave out --endpoint to run dynalite here";
      } else {
        where = "on the dynalite it started";
        todo = "the machine may be too busy; try again";
      }
      throw new CommandFailure(
          ErrorReporting.UNREACHABLE,
          "cannot reach DynamoDB " + where + " (" + rootMessage(e) + "); " + todo,
          e);
    } catch (RuntimeException e) {
      lambda.close();
      throw e;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
  }
}
