package dev.subminute.local;

import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The controller hosted on one machine: dynalite (or any DynamoDB endpoint), the Step Functions and
 * Lambda stand-ins, and discovery by scanning the table about every second.
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
          1_000_000,
          500);
    }

    public Options withPort(int p) {
      return new Options(endpoint, aws, p, dataDir, tableName, controller, spinNanos, scanPeriodMs);
    }

    public Options withEndpoint(URI e) {
      return new Options(e, aws, port, dataDir, tableName, controller, spinNanos, scanPeriodMs);
    }

    public Options withAws(boolean a) {
      return new Options(
          endpoint, a, port, dataDir, tableName, controller, spinNanos, scanPeriodMs);
    }

    public Options withDataDir(Path d) {
      return new Options(endpoint, aws, port, d, tableName, controller, spinNanos, scanPeriodMs);
    }

    public Options withTableName(String t) {
      return new Options(endpoint, aws, port, dataDir, t, controller, spinNanos, scanPeriodMs);
    }

    public Options withController(ControllerConfig c) {
      return new Options(endpoint, aws, port, dataDir, tableName, c, spinNanos, scanPeriodMs);
    }

    public Options withScanPeriodMs(long ms) {
      return new Options(endpoint, aws, port, dataDir, tableName, controller, spinNanos, ms);
    }
  }

  private final Options options;
  private final DynaliteServer dynalite;
  private final DynamoDbClient client;
  private final JobTable table;
  private final LocalLambda lambda;
  private final RuntimeStats stats = new RuntimeStats();
  private final TimerLoop loop;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService io;
  private final ExecutorService statusWriter;
  private final LocalStepFunctions stepFunctions;
  private final ScanJobFeed feed = new ScanJobFeed();
  private final Reconciler reconciler;
  private final Controller controller;
  private volatile Reconciler.Outcome lastDiscovery = new Reconciler.Outcome(0, 0, 0, 0);
  private volatile long lastScanMs;
  private final java.util.concurrent.atomic.LongAdder scans =
      new java.util.concurrent.atomic.LongAdder();

  private LocalRuntime(
      Options options, LocalLambda lambda, WorkerInvoker invoker, TickListener extraListener) {
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
    scheduler = Executors.newScheduledThreadPool(2, daemon("subminute-scheduler"));
    io = Executors.newFixedThreadPool(32, daemon("subminute-io"));
    // status writes wait on storage: on threads of their own, they never hold up a window's start
    statusWriter = Executors.newFixedThreadPool(4, daemon("subminute-status"));
    SystemTimeSource time = new SystemTimeSource(options.spinNanos(), 50_000_000);
    TickListener listener = extraListener == null ? stats : both(stats, extraListener);
    loop =
        new TimerLoop(
                time,
                options.controller(),
                new TickDispatcher(invoker, Runnable::run),
                listener,
                io)
            .start("subminute-timer");
    controller =
        new Controller(table, loop, feed, lambda.policy(), options.controller(), time)
            .withAsyncHandover(statusWriter);
    stepFunctions = new LocalStepFunctions(controller, table, time, scheduler, io);
    reconciler = new Reconciler(table, stepFunctions, lambda.policy(), System::currentTimeMillis);
    // one discovery loop: each scan schedules the next (never also a fixed-delay task)
    scheduler.execute(this::discover);
  }

  public static LocalRuntime start(Options options, LocalLambda lambda) {
    return new LocalRuntime(options, lambda, lambda, null);
  }

  /**
   * Starts with an invoker and listener of the caller's (the load-test harness wraps the Lambda
   * stand-in).
   */
  public static LocalRuntime start(
      Options options, LocalLambda lambda, WorkerInvoker invoker, TickListener listener) {
    return new LocalRuntime(options, lambda, invoker, listener);
  }

  /**
   * Scans the table, feeds running windows and reconciles; then again after the scan period, or
   * after ten scans' time when the table is so large that scanning (dynalite's CPU above all) would
   * crowd out the timer: a 10,000-item table is scanned every few seconds.
   */
  private void discover() {
    long start = System.nanoTime();
    scans.increment();
    try {
      List<Map<String, AttributeValue>> items = table.scanAll().toList();
      feed.publish(items);
      lastDiscovery = reconciler.reconcile(items);
    } catch (RuntimeException e) {
      // storage unavailable: running jobs keep their last known items; the next scan retries
    }
    lastScanMs = (System.nanoTime() - start) / 1_000_000;
    try {
      scheduler.schedule(
          this::discover, Math.max(options.scanPeriodMs(), 10 * lastScanMs), TimeUnit.MILLISECONDS);
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

  public int activeWindows() {
    return controller.activeWindows();
  }

  public int executions() {
    return stepFunctions.size();
  }

  public Reconciler.Outcome lastDiscovery() {
    return lastDiscovery;
  }

  /** Table scans since start: one loop, so about one per scan period. */
  public long scans() {
    return scans.sum();
  }

  public long lastScanMs() {
    return lastScanMs;
  }

  public long windows() {
    return stepFunctions.windows();
  }

  public long failedWindows() {
    return stepFunctions.failedWindows();
  }

  /**
   * Stops at once without a final word, as a killed process would: no status written, leases left
   * to run out. For fault tests.
   */
  public void halt() {
    scheduler.shutdownNow();
    stepFunctions.close();
    loop.close();
    io.shutdownNow();
    statusWriter.shutdownNow();
    lambda.close();
    client.close();
  }

  /** Stops firing and lets running windows write their final status. */
  @Override
  public void close() {
    scheduler.shutdownNow();
    stepFunctions.close();
    controller.shutdown(5_000);
    loop.close();
    io.shutdown();
    statusWriter.shutdown();
    try {
      io.awaitTermination(5, TimeUnit.SECONDS);
      statusWriter.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lambda.close();
    client.close();
    if (dynalite != null) {
      dynalite.close();
    }
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
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
