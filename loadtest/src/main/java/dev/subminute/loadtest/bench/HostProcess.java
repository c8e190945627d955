package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.handler.HostHandler;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.loadtest.LoadPlan;
import dev.subminute.local.LocalLambda;
import dev.subminute.local.LocalRuntime;
import dev.subminute.model.WorkerEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;

/**
 * The host process that {@link HostCapacityBenchmark} starts pinned to one core: the embedded
 * runtime's host code (successive hosts, one every window, over shard leases in the table) with
 * every tick dispatched as the controller Lambda does, through the AWS SDK's async Lambda client
 * ({@code InvocationType.EVENT}), built as the host Lambda builds it, from one dispatch thread.
 *
 * <p>Arguments: DynamoDB endpoint, table, Lambda endpoint, window in ms, HTTP connections. Prints
 * {@code started <epoch ms>} once its first host runs; on a line {@code stop} or the end of its
 * input it closes and prints one JSON line of what it counted itself over its whole run: ticks
 * fired and missed, its dispatch drift (the timer's own view: how far past its instant a tick was
 * handed to the Lambda client, none for a tick prepared ahead in time), invoke errors, ticks
 * refused by a full dispatch queue, how late the prepared invokes were handed to the HTTP client
 * after their instants ({@link LambdaWorkerInvoker#releaseLateness}; since a line {@code span}
 * marked the measured span's start), handovers, and each collector's count and time.
 */
public final class HostProcess {
  private HostProcess() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      System.err.println(
          "usage: HostProcess DYNAMODB_ENDPOINT TABLE LAMBDA_ENDPOINT WINDOW_MS CONNECTIONS");
      System.exit(2);
    }
    int connections = Integer.parseInt(args[4]);
    LambdaAsyncClient client =
        LambdaWorkerInvoker.clientBuilder(connections)
            .endpointOverride(URI.create(args[2]))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .build();
    LambdaWorkerInvoker lambda =
        new LambdaWorkerInvoker(client, HostHandler.MAX_IN_FLIGHT, HostHandler.PREPARE_AHEAD);
    // one thread apart from the timer builds and sends the invokes, as HostHandler's host-dispatch
    ExecutorService dispatchThread =
        TickDispatcher.boundedThread(
            BackgroundThreads.named("host-dispatch", false), HostHandler.DISPATCH_QUEUE);
    LongAdder invokeErrors = new LongAdder();
    LongAdder dispatchQueueFull = new LongAdder();
    Executor dispatch =
        task -> {
          try {
            dispatchThread.execute(task);
          } catch (RejectedExecutionException full) {
            dispatchQueueFull.increment(); // the timer counts it a failed invoke
            throw full;
          }
        };
    WorkerInvoker invoker =
        new WorkerInvoker() {
          @Override
          public long prepareAheadNanos() {
            return lambda.prepareAheadNanos();
          }

          @Override
          public CompletableFuture<Void> invoke(String worker, WorkerEvent event) {
            return invoke(worker, event, System.nanoTime());
          }

          @Override
          public CompletableFuture<Void> invoke(String worker, WorkerEvent event, long sendAt) {
            return lambda
                .invoke(worker, event, sendAt)
                .whenComplete(
                    (ok, error) -> {
                      if (error != null) {
                        invokeErrors.increment();
                      }
                    });
          }
        };
    ConcurrentHistogram dispatchDrift = new ConcurrentHistogram(3_600_000_000L, 3);
    LongAdder missed = new LongAdder();
    TickListener counting =
        new TickListener() {
          @Override
          public void fired(String jobId, long plannedAt, long driftNanos) {
            dispatchDrift.recordValue(Math.max(0, driftNanos / 1_000));
          }

          @Override
          public void missed(String jobId, long plannedAt) {
            missed.increment();
          }
        };
    // registered only so that the runtime's allow-list admits the jobs' worker: never invoked
    LocalLambda allowList =
        new LocalLambda()
            .register(
                LoadPlan.PROBE_WORKER,
                (event, payload) -> {
                  throw new IllegalStateException("the host invokes through the Lambda client");
                },
                1,
                1);
    LocalRuntime.Options options =
        LocalRuntime.Options.defaults()
            .withEndpoint(URI.create(args[0]))
            .withTableName(args[1])
            .withController(ControllerConfig.embedded().withWindowMs(Long.parseLong(args[3])))
            // reads the table as often as a host Lambda reads its shards
            .withScanPeriodMs(HostHandler.POLL_MS);
    Map<String, Object> counts = new LinkedHashMap<>();
    Histogram releasedBeforeSpan = null;
    try (LocalRuntime runtime =
        LocalRuntime.start(options, allowList, invoker, counting, dispatch)) {
      System.out.println("started " + System.currentTimeMillis());
      String line;
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      do {
        line = in.readLine();
        if ("span".equals(line)) {
          releasedBeforeSpan = lambda.releaseLateness();
        }
      } while (line != null && !line.equals("stop"));
      counts.put("handovers", runtime.windows());
      counts.put("storageErrors", runtime.failedWindows());
    }
    counts.put("fired", dispatchDrift.getTotalCount());
    counts.put("dispatchDriftP99Ms", dispatchDrift.getValueAtPercentile(99) / 1000.0);
    counts.put("dispatchDriftMaxMs", dispatchDrift.getMaxValue() / 1000.0);
    Histogram release = lambda.releaseLateness();
    if (releasedBeforeSpan != null) {
      release.subtract(releasedBeforeSpan);
    }
    counts.put("releaseLatenessP99Ms", release.getValueAtPercentile(99) / 1000.0);
    counts.put("releaseLatenessMaxMs", release.getMaxValue() / 1000.0);
    counts.put(
        "releasesOver10Ms",
        release.getMaxValue() > 10_000
            ? release.getCountBetweenValues(10_001, release.getMaxValue())
            : 0);
    counts.put("missed", missed.sum());
    counts.put("invokeErrors", invokeErrors.sum());
    counts.put("dispatchQueueFull", dispatchQueueFull.sum());
    // per collector: the serial one's beans count pauses; Shenandoah's "Pauses" bean counts its
    // pauses and its "Cycles" bean the concurrent cycles, which stop no thread
    Map<String, Object> collectors = new LinkedHashMap<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      collectors.put(
          gc.getName(), Map.of("count", gc.getCollectionCount(), "ms", gc.getCollectionTime()));
    }
    counts.put("collectors", collectors);
    System.out.println(new ObjectMapper().writeValueAsString(counts));
    client.close();
    System.exit(0);
  }
}
