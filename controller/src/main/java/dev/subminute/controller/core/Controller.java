package dev.subminute.controller.core;

import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one controller window for one job: reads the item, takes the lease (the fence), ticks on the
 * timer loop while watching the item, and writes status at the end. The same code serves the Lambda
 * task and the embedded runtime's executions.
 */
public final class Controller {
  private final JobStore store;
  private final TimerLoop loop;
  private final JobFeed feed;
  private final WorkerPolicy policy;
  private final ControllerConfig config;
  private final TimeSource time;

  /** A job stopped for longer than this starts afresh instead of counting every missed tick. */
  static final long MAX_CATCH_UP_MS = 3_600_000;

  private final Map<String, Job> lastKnown = new ConcurrentHashMap<>();
  private final Map<String, Handover> handovers = new ConcurrentHashMap<>();
  private final Map<JobTimer, CompletableFuture<ControllerState>> active =
      new ConcurrentHashMap<>();
  private volatile boolean shuttingDown;
  private volatile WindowMetrics metrics = WindowMetrics.NONE;

  /** A window that ended with CONTINUE here, holding the lease: the next one can start at once. */
  private record Handover(String owner, long endedAtMs, long leaseUntil) {}

  public Controller(
      JobStore store,
      TimerLoop loop,
      JobFeed feed,
      WorkerPolicy policy,
      ControllerConfig config,
      TimeSource time) {
    this.store = store;
    this.loop = loop;
    this.feed = feed;
    this.policy = policy;
    this.config = config;
    this.time = time;
  }

  public Controller withMetrics(WindowMetrics sink) {
    this.metrics = sink;
    return this;
  }

  public ControllerConfig config() {
    return config;
  }

  /**
   * Runs a window that ends at the latest at the monotonic instant {@code windowEndNanos}, and
   * completes with the state for the state machine's next step.
   */
  public CompletableFuture<ControllerState> runWindow(ControllerState state, long windowEndNanos) {
    ControllerState in = state;
    long nowMs = time.wallMillis();
    String jobId = in.jobId();
    Handover handover = handovers.remove(jobId);
    Job known = lastKnown.get(jobId);
    if (handover != null
        && known != null
        && handover.owner().equals(in.owner())
        && nowMs - handover.endedAtMs() < config.refreshMs()
        && handover.leaseUntil() > nowMs + config.windowMs()) {
      // the item was watched until a moment ago and the lease covers this window
      return tick(in, known, windowEndNanos, in.unreportedTicks(), in.unreportedMissed());
    }
    Job job;
    boolean storageDown = false;
    try {
      Optional<StoredJob> item = store.read(jobId);
      JobDecision decision = JobDecision.of(item, policy);
      if (decision instanceof JobDecision.Stop stop) {
        return CompletableFuture.completedFuture(stopBeforeStart(in, stop, nowMs));
      }
      job = ((JobDecision.Run) decision).job();
      in = resumeFromLastTick(in, item.get(), job, nowMs);
    } catch (StorageException unavailable) {
      job = lastKnown.get(jobId);
      if (job == null) {
        throw unavailable;
      }
      storageDown = true;
    }
    long leaseUntil = nowMs + config.windowMs() + config.leaseGraceMs();
    StatusUpdate running =
        new StatusUpdate(
            JobStatus.RUNNING,
            "Ticking every "
                + job.intervalMs()
                + " ms"
                + (job.hasProfile() ? " outside profile rules." : "."),
            null,
            in.unreportedTicks(),
            in.unreportedMissed(),
            0,
            null);
    long unreportedTicks = in.unreportedTicks();
    long unreportedMissed = in.unreportedMissed();
    if (!storageDown) {
      try {
        if (!store.writeStatusAsOwner(jobId, in.owner(), leaseUntil, nowMs, running)) {
          return CompletableFuture.completedFuture(ownedElsewhere(in));
        }
        unreportedTicks = 0;
        unreportedMissed = 0;
      } catch (StorageException unavailable) {
        // keep firing on the item just read; the counts are reported once storage is back
      }
    }
    lastKnown.put(jobId, job);
    return tick(in, job, windowEndNanos, unreportedTicks, unreportedMissed);
  }

  /**
   * A new execution of a job that was running (a restart, a takeover after a crash; not a job
   * resumed after running = false) continues from the last tick the item records, so that the
   * instants nobody fired meanwhile are counted as missed (or one fires, for FIRE_ONCE) instead of
   * vanishing. Ticks fired after that record by a controller that died count as missed too: never
   * as fired twice.
   */
  private ControllerState resumeFromLastTick(
      ControllerState in, StoredJob item, Job job, long nowMs) {
    JobStatusView status = item.status();
    long lastTick = status.lastTickAt();
    boolean wasRunning =
        status.status() == JobStatus.RUNNING
            || status.status() == JobStatus.PENDING
            || status.status() == JobStatus.FAILED;
    boolean recent = lastTick > 0 && nowMs - lastTick < MAX_CATCH_UP_MS && lastTick < nowMs;
    if (in.lastPlannedAt() != null || !wasRunning || !recent) {
      return in;
    }
    return new ControllerState(
        in.jobId(),
        in.owner(),
        lastTick,
        in.windows(),
        in.generation(),
        in.action(),
        in.resumeAt(),
        in.resumeAtMs(),
        in.reason(),
        in.unreportedTicks(),
        in.unreportedMissed(),
        in.continueAsNew(),
        in.nextExecutionName());
  }

  private CompletableFuture<ControllerState> tick(
      ControllerState in,
      Job job,
      long windowEndNanos,
      long unreportedTicks,
      long unreportedMissed) {
    CompletableFuture<ControllerState> out = new CompletableFuture<>();
    AtomicReference<JobDecision.Stop> stopBy = new AtomicReference<>();
    AtomicReference<Job> current = new AtomicReference<>(job);
    AtomicReference<JobFeed.Watch> watch = new AtomicReference<>();
    JobTimer timer =
        loop.startWindow(
            job,
            in.owner(),
            in.lastPlannedAt(),
            windowEndNanos,
            result -> {
              JobFeed.Watch w = watch.get();
              if (w != null) {
                w.close();
              }
              try {
                out.complete(finish(in, result, stopBy.get(), unreportedTicks, unreportedMissed));
              } catch (RuntimeException e) {
                out.completeExceptionally(e);
              }
            });
    watch.set(
        feed.watch(
            job.jobId(),
            item -> {
              JobDecision decision = JobDecision.of(item, policy);
              JobStatusView status = item.map(StoredJob::status).orElse(null);
              if (status != null && status.leasedByOtherThan(in.owner(), time.wallMillis())) {
                loop.stop(
                    timer,
                    "The job is owned by "
                        + status.owner()
                        + "; this execution stops without firing.");
              } else if (decision instanceof JobDecision.Stop stop) {
                stopBy.set(stop);
                loop.stop(timer, stop.reason());
              } else {
                Job changed = ((JobDecision.Run) decision).job();
                if (!changed.equals(current.getAndSet(changed))) {
                  lastKnown.put(changed.jobId(), changed);
                  loop.update(timer, changed);
                }
              }
            }));
    active.put(timer, out);
    out.whenComplete(
        (state, error) -> {
          active.remove(timer);
        });
    if (out.isDone()) {
      watch.get().close();
      active.remove(timer);
    }
    return out;
  }

  private ControllerState finish(
      ControllerState in,
      WindowResult result,
      JobDecision.Stop stopBy,
      long unreportedTicks,
      long unreportedMissed) {
    metrics.windowEnded(in.jobId(), result);
    long nowMs = time.wallMillis();
    long ticks = unreportedTicks + result.fired();
    long missed = unreportedMissed + result.missed();
    Long lastPlanned = result.lastPlanned() != null ? result.lastPlanned() : in.lastPlannedAt();
    int windows = in.windows() + 1;
    if (result.action() == WindowResult.Action.STOP) {
      lastKnown.remove(in.jobId());
      JobStatus status = stopBy == null ? JobStatus.STOPPED : stopBy.status();
      String reason = stopBy == null ? result.reason() : stopBy.reason();
      if (shuttingDown && stopBy == null) {
        status = JobStatus.PENDING;
      }
      if (status != null) {
        StatusUpdate update =
            new StatusUpdate(
                status, reason, lastPlanned, ticks, missed, result.invokeErrors(), drift(result));
        try {
          store.releaseAsOwner(in.jobId(), in.owner(), nowMs, update);
        } catch (StorageException unavailable) {
          // the lease runs out by itself
        }
      }
      return state(in, lastPlanned, windows, WindowResult.Action.STOP, null, reason, 0, 0);
    }
    Long resumeAtMs = result.action() == WindowResult.Action.WAIT ? result.resumeAtMs() : null;
    long leaseUntil =
        (resumeAtMs != null ? resumeAtMs : nowMs) + config.windowMs() + config.leaseGraceMs();
    StatusUpdate update =
        new StatusUpdate(
            JobStatus.RUNNING,
            null,
            lastPlanned,
            ticks,
            missed,
            result.invokeErrors(),
            drift(result));
    try {
      if (!store.writeStatusAsOwner(in.jobId(), in.owner(), leaseUntil, nowMs, update)) {
        return ownedElsewhere(in);
      }
      ticks = 0;
      missed = 0;
      if (result.action() == WindowResult.Action.CONTINUE) {
        handovers.put(in.jobId(), new Handover(in.owner(), nowMs, leaseUntil));
      }
    } catch (StorageException unavailable) {
      // reported by the next window that reaches the table
    }
    return state(
        in, lastPlanned, windows, result.action(), resumeAtMs, result.reason(), ticks, missed);
  }

  /**
   * Ends every running window at once: each writes its counts, releases its lease and leaves the
   * job PENDING, so another controller may take it over without waiting for the lease to run out.
   */
  public void shutdown(long timeoutMs) {
    shuttingDown = true;
    String reason =
        "The controller shut down; the job resumes on its grid when a controller runs again.";
    active.keySet().forEach(timer -> loop.stop(timer, reason));
    try {
      CompletableFuture.allOf(active.values().toArray(CompletableFuture[]::new))
          .get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // leases run out by themselves
    }
  }

  public int activeWindows() {
    return active.size();
  }

  private final int windowsPerExecution() {
    return config.windowsPerExecution();
  }

  private ControllerState stopBeforeStart(ControllerState in, JobDecision.Stop stop, long nowMs) {
    lastKnown.remove(in.jobId());
    if (stop.status() != null) {
      StatusUpdate update =
          new StatusUpdate(
              stop.status(),
              stop.reason(),
              null,
              in.unreportedTicks(),
              in.unreportedMissed(),
              0,
              null);
      boolean released = store.releaseAsOwner(in.jobId(), in.owner(), nowMs, update);
      if (!released) {
        JobStatusView status = store.read(in.jobId()).map(StoredJob::status).orElse(null);
        boolean alreadySaid =
            status != null
                && status.status() == stop.status()
                && stop.reason().equals(status.statusReason());
        if (status != null && !alreadySaid) {
          store.writeStatusUnowned(
              in.jobId(), nowMs, StatusUpdate.of(stop.status(), stop.reason()));
        }
      }
    }
    return state(
        in,
        in.lastPlannedAt(),
        in.windows() + 1,
        WindowResult.Action.STOP,
        null,
        stop.reason(),
        0,
        0);
  }

  private ControllerState ownedElsewhere(ControllerState in) {
    String owner =
        store
            .read(in.jobId())
            .map(StoredJob::status)
            .map(JobStatusView::owner)
            .orElse("another execution");
    return state(
        in,
        in.lastPlannedAt(),
        in.windows() + 1,
        WindowResult.Action.STOP,
        null,
        "The job is owned by " + owner + "; this execution stops without firing.",
        0,
        0);
  }

  private ControllerState state(
      ControllerState in,
      Long lastPlanned,
      int windows,
      WindowResult.Action action,
      Long resumeAtMs,
      String reason,
      long unreportedTicks,
      long unreportedMissed) {
    // parked (WAIT) windows count too: an hourly job reaches the history limit in months
    boolean continueAsNew = action != WindowResult.Action.STOP && windows >= windowsPerExecution();
    return new ControllerState(
        in.jobId(),
        in.owner(),
        lastPlanned,
        windows,
        in.generation(),
        action,
        resumeAtMs == null ? null : Instant.ofEpochMilli(resumeAtMs).toString(),
        resumeAtMs,
        reason,
        unreportedTicks,
        unreportedMissed,
        continueAsNew,
        continueAsNew ? nextExecutionName(in.owner(), in.generation() + 1) : null);
  }

  /** Deterministic, so that a retried continue-as-new starts nothing twice. Max 80 characters. */
  static String nextExecutionName(String owner, int generation) {
    String suffix = "-g" + generation;
    String base = owner.replaceAll("-g\\d+$", "");
    return (base.length() + suffix.length() > 80 ? base.substring(0, 80 - suffix.length()) : base)
        + suffix;
  }

  private static Double drift(WindowResult result) {
    return result.fired() == 0 ? null : result.driftP99Micros() / 1_000.0;
  }
}
