package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.handler.HostHandler;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.loadtest.Machine;
import dev.subminute.model.WorkerEvent;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.auth.aws.scheme.AwsV4AuthScheme;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;

/**
 * What one invoke costs a host's core: CPU time and bytes allocated per invoke on the thread that
 * prepares and sends it (a host's dispatch thread) and on the CRT event loop that writes it and
 * reads Lambda's answer, through the client {@link LambdaWorkerInvoker#clientBuilder} builds, to
 * the loopback Invoke endpoint (202 after 20 ms). Each thread's own counters, read before and after
 * the measured invokes, by the JVM ({@code ThreadMXBean}), not by the code measured.
 *
 * <p>{@code taskset -c 1 java -cp cli/target/subminute.jar
 * dev.subminute.loadtest.bench.InvokeCostBenchmark [invokes, default 100000] [per second, default
 * 2000] [sdk-signer]}, after as many invokes again to warm up; the last line is a JSON summary.
 * With {@code sdk-signer} the client signs with the SDK's own SigV4 signer instead of {@link
 * dev.subminute.controller.lambda.LambdaWorkerInvoker}'s.
 */
public final class InvokeCostBenchmark {
  private static final int JOBS = 100;

  public static void main(String[] args) throws Exception {
    int invokes = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int perSecond = args.length > 1 ? Integer.parseInt(args[1]) : 2_000;
    boolean sdkSigner = args.length > 2 && args[2].equals("sdk-signer");
    List<String> jobIds = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      jobIds.add("cost-" + i);
    }
    Receipts receipts = new Receipts(jobIds);
    Map<String, Object> summary = new LinkedHashMap<>();
    try (InvokeEndpoint endpoint = new InvokeEndpoint(receipts, 20);
        LambdaAsyncClient client =
            LambdaWorkerInvoker.clientBuilder(HostHandler.INVOKE_CONNECTIONS)
                .endpointOverride(endpoint.uri())
                .region(Region.US_EAST_1)
                .credentialsProvider(
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .applyMutation(
                    b -> {
                      if (sdkSigner) {
                        b.putAuthScheme(AwsV4AuthScheme.create());
                      }
                    })
                .build()) {
      LambdaWorkerInvoker invoker =
          new LambdaWorkerInvoker(client, HostHandler.MAX_IN_FLIGHT, HostHandler.PREPARE_AHEAD);
      LongAdder failed = new LongAdder();
      send(invoker, jobIds, invokes, perSecond, failed, 0); // warm-up
      Thread.sleep(1_000);
      Costs before = Costs.read();
      send(invoker, jobIds, invokes, perSecond, failed, invokes);
      Thread.sleep(1_000); // the last answers
      Costs after = Costs.read();
      summary.put("invokes", invokes);
      summary.put("perSecond", perSecond);
      summary.put("signer", sdkSigner ? "the SDK's" : "LambdaWorkerInvoker's");
      summary.put("received", receipts.received());
      summary.put("failed", failed.sum());
      summary.put(
          "sendCpuMicrosPerInvoke",
          round((after.sendCpuNanos - before.sendCpuNanos) / 1e3 / invokes));
      summary.put(
          "sendBytesPerInvoke",
          Math.round((after.sendBytes - before.sendBytes) / (double) invokes));
      summary.put(
          "eventLoopCpuMicrosPerInvoke",
          round((after.loopCpuNanos - before.loopCpuNanos) / 1e3 / invokes));
      summary.put(
          "eventLoopBytesPerInvoke",
          Math.round((after.loopBytes - before.loopBytes) / (double) invokes));
      summary.put("machine", Machine.describe());
    }
    System.out.println(new ObjectMapper().writeValueAsString(summary));
  }

  private static void send(
      LambdaWorkerInvoker invoker,
      List<String> jobIds,
      int invokes,
      int perSecond,
      LongAdder failed,
      long firstPlanned) {
    int perSlot = Math.max(1, perSecond / 100);
    long slot = System.nanoTime();
    for (int i = 0; i < invokes; i++) {
      if (i % perSlot == 0) {
        slot += 10_000_000;
        LockSupport.parkNanos(slot - System.nanoTime());
      }
      WorkerEvent event =
          new WorkerEvent(
              jobIds.get(i % JOBS),
              firstPlanned + i,
              System.currentTimeMillis() * 1_000,
              1_000,
              "{}",
              "arn:aws:states:us-east-1:000000000000:execution:job:cost");
      invoker
          .invoke("worker", event, System.nanoTime())
          .whenComplete(
              (ok, error) -> {
                if (error != null) {
                  failed.increment();
                }
              });
    }
  }

  private static double round(double micros) {
    return Math.round(micros * 10) / 10.0;
  }

  /** CPU nanoseconds and bytes allocated by this thread and by the CRT event loop threads. */
  private record Costs(long sendCpuNanos, long sendBytes, long loopCpuNanos, long loopBytes) {
    static Costs read() {
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long loopCpu = 0;
      long loopBytes = 0;
      for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith("AwsEventLoop")) {
          loopCpu += threads.getThreadCpuTime(info.getThreadId());
          loopBytes += threads.getThreadAllocatedBytes(info.getThreadId());
        }
      }
      long self = Thread.currentThread().getId();
      return new Costs(
          threads.getThreadCpuTime(self),
          threads.getThreadAllocatedBytes(self),
          loopCpu,
          loopBytes);
    }
  }
}
