package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.Host;
import dev.subminute.controller.host.HostConfig;
import dev.subminute.controller.host.HostNames;
import dev.subminute.controller.host.ShardStore;
import dev.subminute.controller.host.StatusOutbox;
import dev.subminute.controller.host.dynamodb.DynamoJobs;
import dev.subminute.controller.host.dynamodb.DynamoShardStore;
import dev.subminute.controller.host.dynamodb.ShardIndexFeed;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.controller.sfn.SfnTaskTokens;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * One window of a shared host, as a task of the host state machine: runs a {@link Host} (the class
 * the embedded runtime runs) over the shards table and the jobs table for up to the window length,
 * never past the Lambda's remaining time less a margin. Near the window's end it completes its task
 * token, so that the state machine starts the next window (its successor) while this one still
 * runs, then hands its shards over as {@link Host#close()} does: at a planned instant, to the
 * successor or any other live host.
 *
 * <p>Input: {@code {"state": {"windows": n, ...}, "taskToken": "...", "execution": "..."}}. Output
 * (the task's result): the state with {@code windows + 1} and {@code continueAsNew} once the
 * execution has run its windows, and the name its continuation takes.
 */
public final class HostHandler implements RequestStreamHandler {
  static final long REMAINING_TIME_MARGIN_MS = 30_000;

  /** Invokes a host's Lambda client sends at once. */
  public static final int INVOKE_CONNECTIONS = 256;

  /**
   * Invokes waiting for Lambda's answer at most; past that a tick is lost, counted as a failed
   * invoke. Four times the connections: with 256, 5,000 jobs lost 3,263 ticks in a 60 s span, with
   * 1,024 they lost 1,046, and their late ticks grew later (p99 41 ms, then 159); at about 70 KB an
   * invoke, some 70 MB of heap at most.
   */
  public static final int MAX_IN_FLIGHT = 4 * INVOKE_CONNECTIONS;

  /**
   * Ticks waiting for the dispatch thread at most: ten seconds of the ticks a host is sized for
   * (the scaler's target), so a cold start's slow first invokes fit (two seconds did not: 1,302
   * ticks of 1,000 jobs were refused in the first seconds of a host), while a host given far more
   * than its core can send loses the excess, counted as failed invokes, instead of filling its
   * heap.
   */
  public static final int DISPATCH_QUEUE = 10_000;

  /**
   * How long before its instant a host prepares a tick's invoke (marshals and signs it, about 0.15
   * ms of its core), to send it at the instant. Ticks due at one instant beyond what the lead
   * prepares (about a hundred) leave late; a stop or change reaches a tick already prepared no
   * more. 15 ms, not 20: instants fall on whole milliseconds, mostly round ones, so the ticks due
   * at one 10 ms instant are prepared halfway to the next, not while the ticks due then leave
   * (1,000 jobs at 1 s, 60 s: arrival p50 1.3 ms at 20 ms, 0.8 at 15;
   * docs/results/host-capacity/earlier/prepare-ahead-lead).
   */
  public static final Duration PREPARE_AHEAD = Duration.ofMillis(15);

  /** How often a host reads its shards' items: a change reaches the host within this long. */
  public static final long POLL_MS = 1_000;

  /**
   * The options the stack gives a host's JVM on top of Lambda's defaults ({@code
   * JAVA_TOOL_OPTIONS}): the C2 compiler, which Lambda leaves off, since a host runs for hours in
   * one environment; the Shenandoah collector in place of Lambda's serial one (Lambda's Java
   * documentation names the two it allows), whose pauses stay under a millisecond where the serial
   * collector's young pauses of 3 to 13 ms held back every tick due meanwhile
   * (docs/results/host-capacity); and Linux nice values for Java thread priorities, in three layers
   * on the host's one core: the timer, the sender and the HTTP client's event loop at nice 0; the
   * work that can wait a few milliseconds at nice 4 (the invokes prepared ahead, the polls and
   * status writes, {@link BackgroundThreads}; the JIT compiler: a burst of compiling took 260 ms of
   * the core in the one late second of a 300 s run); HotSpot's threads at Java priority 9, the
   * collector's and the VM thread among them, at nice 10. Shenandoah's pacing, which stalls an
   * allocating thread while a cycle runs behind, is off, since its cycles now run behind the ticks
   * by design. At 5,000 jobs this took the arrival p99 from 28 ms to 4.8 to 9.5 in three 300 s runs
   * (docs/results/host-capacity/FINDINGS.md).
   */
  public static final String JVM_OPTIONS =
      "-XX:TieredStopAtLevel=4 -XX:+UseShenandoahGC -XX:ThreadPriorityPolicy=1"
          + " -XX:CompilerThreadPriority=4 -XX:JavaPriority9_To_OSPriority=10"
          + " -XX:+UnlockExperimentalVMOptions -XX:-ShenandoahPacing";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How a host runs.
   *
   * @param windowMs how long one invocation hosts timers, before handing over
   * @param windowsPerExecution windows before the host's execution continues as new
   * @param pollMs how often the host reads its shards' items
   */
  public record Settings(HostConfig host, long windowMs, int windowsPerExecution, long pollMs) {

    static Settings fromEnvironment() {
      return new Settings(
          HostConfig.embedded().withShards(intEnv("SHARDS", 64)),
          longEnv("HOST_WINDOW_MS", 840_000),
          intEnv("WINDOWS_PER_EXECUTION", 1_000),
          POLL_MS);
    }
  }

  private final Settings settings;
  private final ShardStore store;
  private final ShardIndexFeed feed;
  private final StatusOutbox outbox;
  private final TimerLoop loop;
  private final TimeSource time;
  private final SfnClient sfn;

  public HostHandler() {
    this(
        Settings.fromEnvironment(),
        DynamoClients.aws(),
        HostEnvironment.required("TABLE_NAME"),
        HostEnvironment.required("SHARDS_TABLE_NAME"),
        SfnClient.create(),
        new LambdaWorkerInvoker(
            LambdaWorkerInvoker.clientBuilder(INVOKE_CONNECTIONS).build(),
            MAX_IN_FLIGHT,
            PREPARE_AHEAD),
        WorkerPolicy.parse(System.getenv("ALLOWED_WORKERS")),
        SystemTimeSource.parking());
    // what the host-capacity figures assume of the JVM, in the log of every new environment: a
    // TieredStopAtLevel of 1 means Lambda's launcher overrode the stack's JAVA_TOOL_OPTIONS
    System.out.println(
        "host JVM: "
            + jvmFlag("TieredStopAtLevel")
            + ", "
            + jvmFlag("UseShenandoahGC")
            + ", "
            + jvmFlag("ThreadPriorityPolicy")
            + ", cores seen "
            + Runtime.getRuntime().availableProcessors());
  }

  private static String jvmFlag(String name) {
    try {
      return name
          + "="
          + ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption(name)
              .getValue();
    } catch (RuntimeException notHotSpot) {
      return name + " unknown";
    }
  }

  public HostHandler(
      Settings settings,
      DynamoDbClient dynamo,
      String jobsTable,
      String shardsTable,
      SfnClient sfn,
      WorkerInvoker invoker,
      WorkerPolicy policy,
      TimeSource time) {
    this.settings = settings;
    this.store = new DynamoShardStore(dynamo, shardsTable);
    JobTable table = new JobTable(dynamo, jobsTable);
    DynamoJobs jobs = new DynamoJobs(table, policy);
    this.feed = new ShardIndexFeed(table, jobs, new SfnTaskTokens(sfn), policy);
    this.outbox =
        new StatusOutbox(
            jobs,
            () -> Math.floorDiv(time.wallMicros(), 1_000),
            4,
            StatusOutbox.HOST_COUNT_WRITES_PER_SECOND,
            "host-status");
    this.loop =
        new TimerLoop(
                time,
                ControllerConfig.lambda(),
                new TickDispatcher(
                    invoker,
                    // it prepares each invoke a lead ahead of its instant, so at nice 4 it yields
                    // the core to the sender releasing the ticks due now
                    TickDispatcher.boundedThread(
                        BackgroundThreads.named("host-dispatch", false), DISPATCH_QUEUE)),
                TickListener.NONE,
                Executors.newSingleThreadExecutor(
                    BackgroundThreads.named("host-timer-ends", false)))
            .start("host-timer");
    this.time = time;
    this.sfn = sfn;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode request = JSON.readTree(input);
    JSON.writeValue(output, runWindow(request, context.getRemainingTimeInMillis()));
  }

  /** Runs one window; returns (and sends to the task token) the state for the next. */
  public JsonNode runWindow(JsonNode request, long remainingMs) throws IOException {
    // this thread polls the shards: work beside the ticks, like the host's other threads
    Thread.currentThread().setPriority(Thread.MIN_PRIORITY);
    JsonNode state = request.path("state");
    String execution = HostEnvironment.text(request, "execution", "host-manual");
    String token = HostEnvironment.text(request, "taskToken", null);
    int windows = state.path("windows").asInt(0);
    ObjectNode next = state.isObject() ? ((ObjectNode) state).deepCopy() : JSON.createObjectNode();
    boolean continueAsNew = windows + 1 >= settings.windowsPerExecution();
    next.put("windows", continueAsNew ? 0 : windows + 1);
    next.put("continueAsNew", continueAsNew);
    next.put("nextExecutionName", HostNames.continued(execution));

    long windowMs = Math.min(settings.windowMs(), remainingMs - REMAINING_TIME_MARGIN_MS);
    long handoverLeadMs = settings.host().handoffLeadMs() + settings.host().renewMs();
    long pollUntil = time.monoNanos() + Math.max(0, windowMs - handoverLeadMs) * 1_000_000L;
    Host host =
        new Host(execution + "-w" + windows, settings.host(), store, outbox, loop, time).start();
    try {
      pollUntil(host, pollUntil);
      if (token != null) {
        try {
          sfn.sendTaskSuccess(r -> r.taskToken(token).output(next.toString()));
        } catch (RuntimeException executionGone) {
          // stopped or replaced: the shards still go to whichever host is alive
        }
      }
      awaitAnotherHost(host, settings.host().leaseMs());
    } finally {
      host.close();
      try {
        // the ticks prepared before the handover leave within the lead; a Lambda that returned
        // sooner would freeze them until its next invocation
        Thread.sleep(PREPARE_AHEAD.toMillis());
        outbox.flush(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return next;
  }

  private void pollUntil(Host host, long untilNanos) {
    long next = time.monoNanos();
    while (time.monoNanos() - untilNanos < 0) {
      try {
        feed.poll(host);
      } catch (RuntimeException storageDown) {
        // the shards' fences run out by themselves; the next poll tries again
      }
      next += settings.pollMs() * 1_000_000L;
      sleepUntil(Math.min(next, untilNanos));
    }
  }

  /** Keeps the items fresh until another host (the successor, most often) is seen alive. */
  private void awaitAnotherHost(Host host, long timeoutMs) {
    long deadline = time.monoNanos() + timeoutMs * 1_000_000L;
    while (time.monoNanos() - deadline < 0) {
      long nowMs = Math.floorDiv(time.wallMicros(), 1_000);
      boolean another =
          store.read(settings.host().shards()).hosts().stream()
              .anyMatch(
                  h ->
                      !h.hostId().equals(host.id())
                          && h.seenAt() > nowMs - settings.host().renewMs() * 2);
      if (another) {
        return;
      }
      pollUntil(host, time.monoNanos() + settings.pollMs() * 1_000_000L);
    }
  }

  private void sleepUntil(long nanos) {
    long waitMs = (nanos - time.monoNanos()) / 1_000_000L;
    if (waitMs > 0) {
      try {
        Thread.sleep(waitMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted during a host window", e);
      }
    }
  }

  private static int intEnv(String name, int fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
  }

  private static long longEnv(String name, long fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
  }
}
