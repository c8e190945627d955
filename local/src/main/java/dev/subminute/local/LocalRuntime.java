package dev.subminute.local;

import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.host.Host;
import dev.subminute.controller.host.HostConfig;
import dev.subminute.controller.host.HostJobView;
import dev.subminute.controller.host.StatusOutbox;
import dev.subminute.controller.host.dynamodb.DynamoJobs;
import dev.subminute.controller.host.dynamodb.DynamoShardStore;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A shared host on one machine: dynalite (or any DynamoDB endpoint), the Lambda stand-in, and
 * discovery by scanning the table about every second. The host runs in windows like a host Lambda
 * on AWS: at each window's end a successor host starts in the same process and the shards are
 * handed to it at a planned instant, so a window boundary costs no tick. Several runtimes on one
 * table share its shards.
 */
public final class LocalRuntime implements AutoCloseable {

  /** How to run; null endpoint means start dynalite on {@code port}. */
  public record Options(
      URI endpoint,
      boolean aws,
      int port,
      Path dataDir,
      String tableName,
      ControllerConfig controller,
      HostConfig host,
      long spinNanos,
      long scanPeriodMs) {

    public static Options defaults() {
      return new Options(
          null,
          false,
          4567,
          null,
          JobTable.DEFAULT_NAME,
          ControllerConfig.embedded(),
          HostConfig.embedded(),
          1_000_000,
          500);
    }

    public Options withPort(int p) {
      return new Options(
          endpoint, aws, p, dataDir, tableName, controller, host, spinNanos, scanPeriodMs);
    }

    public Options withEndpoint(URI e) {
      return new Options(
          e, aws, port, dataDir, tableName, controller, host, spinNanos, scanPeriodMs);
    }

    public Options withAws(boolean a) {
      return new Options(
          endpoint, a, port, dataDir, tableName, controller, host, spinNanos, scanPeriodMs);
    }

    public Options withDataDir(Path d) {
      return new Options(
          endpoint, aws, port, d, tableName, controller, host, spinNanos, scanPeriodMs);
    }

    public Options withTableName(String t) {
      return new Options(
          endpoint, aws, port, dataDir, t, controller, host, spinNanos, scanPeriodMs);
    }

    /** {@code windowMs} is how long each host runs before a successor takes its shards over. */
    public Options withController(ControllerConfig c) {
      return new Options(endpoint, aws, port, dataDir, tableName, c, host, spinNanos, scanPeriodMs);
    }

    public Options withHost(HostConfig h) {
      return new Options(
          endpoint, aws, port, dataDir, tableName, controller, h, spinNanos, scanPeriodMs);
    }

    public Options withScanPeriodMs(long ms) {
      return new Options(endpoint, aws, port, dataDir, tableName, controller, host, spinNanos, ms);
    }
  }

  /** What the last scan found. */
  public record Discovery(int jobs, int running, int invalid) {}

  private final Options options;
  private final DynaliteServer dynalite;
  private final DynamoDbClient client;
  private final JobTable table;
  private final DynamoJobs jobs;
  private final DynamoShardStore shards;
  private final LocalLambda lambda;
  private final RuntimeStats stats = new RuntimeStats();
  private final SystemTimeSource time;
  private final TimerLoop loop;
  private final StatusOutbox outbox;
  private final ScheduledExecutorService scheduler;
  private final String instance = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
  private final AtomicInteger generation = new AtomicInteger();
  private final LongAdder scans = new LongAdder();
  private final LongAdder windows = new LongAdder();
  private volatile Host host;

  /** The current host and any predecessor still handing its shards over: all get the items. */
  private final java.util.concurrent.CopyOnWriteArrayList<Host> hosts =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private volatile Discovery lastDiscovery = new Discovery(0, 0, 0);
  private volatile List<HostJobView> lastItems = List.of();
  private volatile long lastScanMs;
  private long previousScanMs;
  private volatile boolean closed;

  private LocalRuntime(
      Options options,
      LocalLambda lambda,
      WorkerInvoker invoker,
      TickListener extraListener,
      Executor dispatch) {
    this.options = options;
    this.lambda = lambda;
    if (options.endpoint() == null && !options.aws()) {
      dynalite = DynaliteServer.start(options.port(), options.dataDir());
      client = DynamoClients.local(dynalite.endpoint());
    } else {
      dynalite = null;
      client = options.aws() ? DynamoClients.aws() : DynamoClients.local(options.endpoint());
    }
    table = new JobTable(client, options.tableName());
    table.createIfMissing();
    shards =
        new DynamoShardStore(client, DynamoShardStore.tableFor(options.tableName()))
            .createIfMissing();
    jobs = new DynamoJobs(table, lambda.policy());
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(2, daemon("subminute-scheduler"));
    // close() lets a scan or handover in flight finish: an aborted request would kill dynalite
    pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler = pool;
    time = new SystemTimeSource(options.spinNanos(), 50_000_000);
    TickListener listener = extraListener == null ? stats : both(stats, extraListener);
    loop =
        new TimerLoop(
                time,
                options.controller(),
                new TickDispatcher(invoker, dispatch),
                listener,
                Executors.newSingleThreadExecutor(daemon("subminute-ends")))
            .start("subminute-timer");
    outbox =
        new StatusOutbox(
            jobs,
            this::wallMillis,
            4,
            StatusOutbox.HOST_COUNT_WRITES_PER_SECOND,
            "subminute-status");
    host = newHost();
    scheduler.execute(this::discover);
    scheduleSuccession();
  }

  public static LocalRuntime start(Options options, LocalLambda lambda) {
    // the Lambda stand-in only queues the invoke on the worker's own pool: cheap enough to run on
    // the timer thread, which saves a hand-off per tick
    return new LocalRuntime(options, lambda, lambda, null, Runnable::run);
  }

  /**
   * Starts with an invoker and listener of the caller's (the load-test harness wraps the Lambda
   * stand-in).
   */
  public static LocalRuntime start(
      Options options, LocalLambda lambda, WorkerInvoker invoker, TickListener listener) {
    return new LocalRuntime(options, lambda, invoker, listener, Runnable::run);
  }

  /**
   * Starts with an invoker and listener of the caller's, each tick handed to {@code dispatch} to
   * build and send its invoke, as a host Lambda hands it to its dispatch thread.
   */
  public static LocalRuntime start(
      Options options,
      LocalLambda lambda,
      WorkerInvoker invoker,
      TickListener listener,
      Executor dispatch) {
    return new LocalRuntime(options, lambda, invoker, listener, dispatch);
  }

  private Host newHost() {
    String id = "local-" + instance + "-" + generation.incrementAndGet();
    Host started = new Host(id, options.host(), shards, outbox, loop, time);
    hosts.add(started);
    return started.start();
  }

  /**
   * Each window, a successor host joins and the current one leaves, handing every shard over at a
   * planned instant: what a host Lambda does at the end of its invocation on AWS.
   */
  private void scheduleSuccession() {
    long windowMs = options.controller().windowMs();
    try {
      scheduler.schedule(
          () -> {
            if (closed) {
              return;
            }
            Host successor = newHost();
            if (!successor.registered()) {
              // storage is out of reach: the current host keeps its shards while its leases hold
              hosts.remove(successor);
              successor.close();
            } else {
              Host leaving = host;
              host = successor;
              windows.increment();
              successor.offerItems(lastItems); // the items as last scanned, at once
              leaving.close();
              hosts.remove(leaving);
            }
            scheduleSuccession();
          },
          windowMs,
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the runtime is stopping
    }
  }

  /**
   * Scans the table and hands the items to the host; then again after the scan period, or after
   * three scans' time when the table is so large that scanning (dynalite's CPU above all) would
   * crowd out the timer: a 10,000-item table is scanned every few seconds.
   */
  private void discover() {
    if (closed) {
      return;
    }
    long start = System.nanoTime();
    scans.increment();
    try {
      List<HostJobView> items = jobs.views(table.scanAll().toList());
      lastItems = items;
      hosts.forEach(h -> h.offerItems(items));
      int running = 0;
      int invalid = 0;
      for (HostJobView item : items) {
        if (item.decision() instanceof JobDecision.Run) {
          running++;
        } else if (((JobDecision.Stop) item.decision()).status() == JobStatus.INVALID) {
          invalid++;
        }
      }
      lastDiscovery = new Discovery(items.size(), running, invalid);
    } catch (RuntimeException e) {
      // storage unavailable: running jobs keep their items until their shard leases run out
    }
    previousScanMs = lastScanMs;
    lastScanMs = (System.nanoTime() - start) / 1_000_000;
    // the faster of the last two scans measures the table, not a burst of writes beside one scan
    long delay =
        scans.sum() == 1 ? options.scanPeriodMs() : 3 * Math.min(lastScanMs, previousScanMs);
    try {
      scheduler.schedule(
          this::discover, Math.max(options.scanPeriodMs(), delay), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the runtime is stopping
    }
  }

  public URI endpoint() {
    return dynalite != null ? dynalite.endpoint() : options.endpoint();
  }

  public JobTable table() {
    return table;
  }

  public DynaliteServer dynalite() {
    return dynalite;
  }

  public RuntimeStats stats() {
    return stats;
  }

  public LocalLambda lambda() {
    return lambda;
  }

  /** Jobs whose timers this runtime runs now. */
  public int activeWindows() {
    return host.hostedJobs();
  }

  public int ownedShards() {
    return host.ownedShards();
  }

  public String hostId() {
    return host.id();
  }

  public Discovery lastDiscovery() {
    return lastDiscovery;
  }

  /** Table scans since start: one loop, so about one per scan period. */
  public long scans() {
    return scans.sum();
  }

  public long lastScanMs() {
    return lastScanMs;
  }

  /** Host windows that ended with a handover to a successor. */
  public long windows() {
    return windows.sum();
  }

  /** Lease ticks of the current host that could not reach storage. */
  public long failedWindows() {
    return host.storageErrors();
  }

  /** Status changes not yet written to the items. */
  public int pendingStatus() {
    return outbox.pending();
  }

  /**
   * Stops at once without a final word, as a killed process would: no status written, leases left
   * to run out. For fault tests.
   */
  public void halt() {
    closed = true;
    hosts.forEach(Host::halt);
    scheduler.shutdown();
    outbox.close();
    loop.close();
    lambda.close();
  }

  /** Hands the shards to other runtimes on the table, or stops them with PENDING; then stops. */
  @Override
  public void close() {
    closed = true;
    scheduler.shutdown();
    try {
      scheduler.awaitTermination(15, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hosts.forEach(Host::close);
    try {
      outbox.flush(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    outbox.close();
    loop.close();
    lambda.close();
    client.close();
    if (dynalite != null) {
      dynalite.close();
    }
  }

  private long wallMillis() {
    return Math.floorDiv(time.wallMicros(), 1_000);
  }

  private static TickListener both(TickListener a, TickListener b) {
    return new TickListener() {
      @Override
      public void fired(String jobId, long plannedAt, long driftNanos) {
        a.fired(jobId, plannedAt, driftNanos);
        b.fired(jobId, plannedAt, driftNanos);
      }

      @Override
      public void missed(String jobId, long plannedAt) {
        a.missed(jobId, plannedAt);
        b.missed(jobId, plannedAt);
      }
    };
  }

  static ThreadFactory daemon(String name) {
    return BackgroundThreads.named(name, true);
  }
}
