package dev.subminute.loadtest.bench;

import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.PollingJobFeed;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * One job on the controller as it runs on Lambda (the same timer loop, dispatch pool, item polling
 * and lease writes, against dynalite), on the real clock, with an invoker that only counts. Prints
 * dispatch drift and the process's resident memory.
 *
 * <pre>
 * java -cp loadtest/target/subminute.jar dev.subminute.loadtest.bench.ControllerBenchmark 1000 120000
 * java -cp loadtest/target/subminute.jar dev.subminute.loadtest.bench.ControllerBenchmark 100 60000
 * </pre>
 *
 * Arguments: interval ms, run length ms, window length ms (default 60000), spin µs (default 1000,
 * as on Lambda).
 */
public final class ControllerBenchmark {

  public static void main(String[] args) throws Exception {
    long intervalMs = args.length > 0 ? Long.parseLong(args[0]) : 1_000;
    long runMs = args.length > 1 ? Long.parseLong(args[1]) : 120_000;
    long windowMs = args.length > 2 ? Long.parseLong(args[2]) : 60_000;
    long spinMicros = args.length > 3 ? Long.parseLong(args[3]) : 1_000;
    Histogram drift = new Histogram(60_000_000_000L, 3);
    AtomicLong missed = new AtomicLong();
    AtomicLong invokes = new AtomicLong();
    TickListener listener =
        new TickListener() {
          @Override
          public void fired(String jobId, long plannedAt, long driftNanos) {
            drift.recordValue(Math.max(driftNanos, 0));
          }

          @Override
          public void missed(String jobId, long plannedAt) {
            missed.incrementAndGet();
          }
        };
    try (DynaliteServer dynalite = DynaliteServer.start()) {
      JobTable table = new JobTable(DynamoClients.local(dynalite.endpoint()), "bench");
      table.createIfMissing();
      table.putIfAbsent(
          JobItem.builder()
              .jobId("bench")
              .workerArn("log")
              .intervalMs(intervalMs)
              .running(true)
              .build());
      ControllerConfig config = ControllerConfig.lambda().withWindowMs(windowMs);
      SystemTimeSource time = new SystemTimeSource(spinMicros * 1_000, 50_000_000);
      ScheduledExecutorService background = Executors.newScheduledThreadPool(2);
      TimerLoop loop =
          new TimerLoop(
                  time,
                  config,
                  new TickDispatcher(
                      (worker, event) -> {
                        invokes.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                      },
                      background),
                  listener,
                  background)
              .start("subminute-timer");
      Controller controller =
          new Controller(
              table,
              loop,
              new PollingJobFeed(table, background, config.refreshMs()),
              WorkerPolicy.allowing(List.of("log")),
              config,
              time);
      long maxRssKb = 0;
      long end = System.currentTimeMillis() + runMs;
      ControllerState state = ControllerState.start("bench", "bench-1");
      int windows = 0;
      System.out.printf(
          Locale.ROOT,
          "1 job every %d ms for %d s, windows of %d s, spin %d µs%n",
          intervalMs,
          runMs / 1000,
          windowMs / 1000,
          spinMicros);
      while (end - System.currentTimeMillis() > intervalMs) {
        long window = Math.min(windowMs, end - System.currentTimeMillis());
        state =
            controller
                .runWindow(state, time.monoNanos() + window * 1_000_000)
                .get(window + 30_000, TimeUnit.MILLISECONDS);
        windows++;
        maxRssKb = Math.max(maxRssKb, rssKb());
        if (runMs > 120_000) {
          System.out.printf(
              Locale.ROOT,
              "  %4d s  rss %d MB  heap used %d MB  ticks %d%n",
              windows * windowMs / 1000,
              rssKb() / 1024,
              (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20,
              drift.getTotalCount());
        }
      }
      loop.close();
      background.shutdownNow();
      System.out.printf(
          Locale.ROOT,
          "fired %d, missed %d, invokes %d, windows %d%n",
          drift.getTotalCount(),
          missed.get(),
          invokes.get(),
          windows);
      System.out.printf(
          Locale.ROOT,
          "dispatch drift: p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms%n",
          ms(drift.getValueAtPercentile(50)),
          ms(drift.getValueAtPercentile(90)),
          ms(drift.getValueAtPercentile(99)),
          ms(drift.getValueAtPercentile(99.9)),
          ms(drift.getMaxValue()));
      System.out.printf(
          Locale.ROOT,
          "resident memory: max %d MB (VmHWM %d MB); heap max %d MB; JVM %s%n",
          maxRssKb / 1024,
          hwmKb() / 1024,
          Runtime.getRuntime().maxMemory() >> 20,
          ManagementFactory.getRuntimeMXBean().getInputArguments());
    }
  }

  static double ms(long nanos) {
    return nanos / 1e6;
  }

  static long rssKb() {
    return statusField("VmRSS:");
  }

  static long hwmKb() {
    return statusField("VmHWM:");
  }

  private static long statusField(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field)) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return 0;
  }
}
