package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.DedicatedController;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.loadtest.Accounting;
import dev.subminute.loadtest.CpuShare;
import dev.subminute.loadtest.Machine;
import dev.subminute.loadtest.Proc;
import dev.subminute.loadtest.SignedHistogram;
import dev.subminute.model.Job;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.DriftProbe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One job on the controller as it runs on Lambda (the same timer loop, dispatch pool, item polling
 * and lease writes, against dynalite), on the real clock, invoking its worker through the AWS SDK's
 * async Lambda client against a loopback Invoke endpoint that stamps each arrival by its own clock.
 * Every window's start and handover is inside the measured span. Prints arrival and dispatch drift,
 * the counts and the process's resident memory, then one JSON line.
 *
 * <pre>
 * java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.ControllerBenchmark 1000 121000
 * java -Dsubminute.timerTuning=off -cp cli/target/subminute.jar dev.subminute.loadtest.bench.ControllerBenchmark 100 61000
 * </pre>
 *
 * Arguments: interval ms, run length ms, window length ms (default 60000), spin µs (default 1000,
 * as on Lambda). With {@code -Dsubminute.timerTuning=off} the timer runs as Lambda runs it: no
 * real-time priority, the default timer slack, and the process on one core.
 */
public final class ControllerBenchmark {

  public static void main(String[] args) throws Exception {
    long intervalMs = args.length > 0 ? Long.parseLong(args[0]) : 1_000;
    long runMs = args.length > 1 ? Long.parseLong(args[1]) : 120_000;
    long windowMs = args.length > 2 ? Long.parseLong(args[2]) : 60_000;
    long spinMicros = args.length > 3 ? Long.parseLong(args[3]) : 1_000;
    List<Long> dispatched = new CopyOnWriteArrayList<>();
    SignedHistogram dispatch = new SignedHistogram();
    AtomicLong missed = new AtomicLong();
    TickListener listener =
        new TickListener() {
          @Override
          public void fired(String jobId, long plannedAt, long driftNanos) {
            dispatched.add(plannedAt);
            dispatch.record(driftNanos / 1_000);
          }

          @Override
          public void missed(String jobId, long plannedAt) {
            missed.incrementAndGet();
          }
        };
    List<DriftProbe.Receipt> receipts = new CopyOnWriteArrayList<>();
    try (DynaliteServer dynalite = DynaliteServer.start();
        LoopbackInvokeEndpoint endpoint = LoopbackInvokeEndpoint.start(receipts::add)) {
      boolean lambdaLike = !SystemTimeSource.tuningEnabled();
      String cpuShare = lambdaLike ? CpuShare.pinToOneCore() : "every core";
      JobTable table = new JobTable(DynamoClients.local(dynalite.endpoint()), "bench");
      table.createIfMissing();
      Job job = Job.builder("bench", "drift-probe", intervalMs).build();
      table.putIfAbsent(job);
      ControllerConfig config = ControllerConfig.lambda().withWindowMs(windowMs);
      SystemTimeSource time = new SystemTimeSource(spinMicros * 1_000, 50_000_000);
      DedicatedController dedicated =
          DedicatedController.builder(
                  new DynamoJobStore(table),
                  new LambdaWorkerInvoker(endpoint.client()),
                  WorkerPolicy.allowing(List.of("drift-probe")))
              .config(config)
              .time(time)
              .listener(listener)
              .start();
      Controller controller = dedicated.controller();
      long maxRssKb = 0;
      long start = System.currentTimeMillis();
      long end = start + runMs;
      ControllerState state = ControllerState.start("bench", "bench-1");
      int windows = 0;
      System.out.printf(
          Locale.ROOT,
          "1 job every %d ms for %d s, windows of %d s, spin %d µs, timer tuning %s, %s%n",
          intervalMs,
          runMs / 1000,
          windowMs / 1000,
          spinMicros,
          lambdaLike ? "off" : "on",
          cpuShare);
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
              dispatch.count());
        }
      }
      long stoppedAt = System.currentTimeMillis();
      Thread.sleep(2_000); // the last invokes reach the endpoint, or count as lost
      dedicated.close();
      // from the first window's start to the end of the last: start-up and handovers included
      Accounting.Counts counts =
          Accounting.count(
              job,
              receipts.stream().mapToLong(DriftProbe.Receipt::plannedAt).toArray(),
              dispatched.stream().mapToLong(Long::longValue).toArray(),
              start,
              stoppedAt);
      SignedHistogram arrival = new SignedHistogram();
      receipts.forEach(r -> arrival.record(r.arrivalDriftMicros()));
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("intervalMs", intervalMs);
      summary.put("runS", runMs / 1000);
      summary.put("windowS", windowMs / 1000);
      summary.put(
          "receiver",
          "loopback Lambda Invoke endpoint through the AWS SDK async client, its own clock read");
      summary.put("measured", "from the first window's start to the last one's end");
      summary.put("excluded", List.of());
      arrival.putInto(summary, "arrivalDrift");
      summary.put("arrivedEarly", arrival.earlyCount());
      dispatch.putInto(summary, "dispatchDrift");
      counts.putInto(summary);
      summary.put("missedByController", missed.get());
      summary.put("windows", windows);
      summary.put("rssMaxMb", maxRssKb / 1024);
      summary.put("rssHighWaterMb", hwmKb() / 1024);
      summary.put("heapMaxMb", Runtime.getRuntime().maxMemory() >> 20);
      summary.put("lambdaLike", lambdaLike);
      summary.put("cpuShare", cpuShare);
      summary.put("timerTuning", Machine.timerTuning());
      summary.put("machine", Machine.describe());
      System.out.printf(
          Locale.ROOT,
          "arrival drift p50 %s p99 %s p99.9 %s max %s min %s ms; dispatch drift p99 %s max %s ms;"
              + " planned %d fired %d missed %d duplicated %d lost in dispatch %d%n",
          summary.get("arrivalDriftP50Ms"),
          summary.get("arrivalDriftP99Ms"),
          summary.get("arrivalDriftP999Ms"),
          summary.get("arrivalDriftMaxMs"),
          summary.get("arrivalDriftMinMs"),
          summary.get("dispatchDriftP99Ms"),
          summary.get("dispatchDriftMaxMs"),
          counts.planned(),
          counts.fired(),
          counts.missed(),
          counts.duplicated(),
          counts.lostInDispatch());
      System.out.println(new ObjectMapper().writeValueAsString(summary));
    }
  }

  static long rssKb() {
    return Proc.statusKb(ProcessHandle.current().pid(), "VmRSS");
  }

  static long hwmKb() {
    return Proc.statusKb(ProcessHandle.current().pid(), "VmHWM");
  }
}
