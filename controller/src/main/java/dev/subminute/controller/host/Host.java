package dev.subminute.controller.host;

import dev.subminute.controller.core.BackgroundThreads;
import dev.subminute.controller.core.Fence;
import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.JobTimer;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WindowResult;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.TickGrid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A shared host: one timer loop running the jobs of every shard this host holds. It holds shards by
 * lease (one conditional write per shard per renewal, none per job), takes its share of them as
 * hosts come and go, hands shards over at a planned instant so that no tick fires twice, and stops
 * firing a shard before its lease can run out whenever renewals fail. Jobs come from the items the
 * caller feeds it; what it learns goes to the items through a {@link StatusOutbox}.
 *
 * <p>All host state lives on one thread of its own: lease ticks, item updates and timer endings
 * queue there, so nothing here needs a lock.
 */
public final class Host implements AutoCloseable {
  private static final String SHUTDOWN_REASON =
      "The runtime shut down; the job resumes on its grid when a runtime runs again.";

  private final String hostId;
  private final HostConfig config;
  private final ShardStore store;
  private final StatusOutbox outbox;
  private final TimerLoop loop;
  private final TimeSource time;
  private final ScheduledExecutorService thread;
  private final Map<Integer, OwnedShard> owned = new HashMap<>();
  private final Map<String, HostedJob> jobs = new HashMap<>();
  private Map<Integer, List<HostJobView>> known = Map.of();
  private boolean leaving;
  private volatile boolean halted;
  private long leaseTicks;
  private int otherLiveHosts;
  private volatile int hostedJobs;
  private volatile int ownedShards;
  private volatile Set<Integer> heldShards = Set.of();
  private volatile long storageErrors;
  private volatile boolean registered;

  private static final class OwnedShard {
    final int shard;
    final long epoch;
    final Fence fence;
    // after a takeover of an expired lease: the dead owner's last renewal; it died within a
    // renewal period after it, so the instants from there on count as missed (a few of the first
    // may have been delivered: never counted as fired twice)
    final long missedSinceMs;
    String offeredTo;
    long handoffAt;

    OwnedShard(int shard, long epoch, Fence fence, long missedSinceMs) {
      this.shard = shard;
      this.epoch = epoch;
      this.fence = fence;
      this.missedSinceMs = missedSinceMs;
    }
  }

  private static final class HostedJob {
    final int shard;
    Job job;
    JobTimer timer;
    StatusChange endStatus; // written when the timer ends, with its last counts

    HostedJob(int shard, Job job) {
      this.shard = shard;
      this.job = job;
    }
  }

  public Host(
      String hostId,
      HostConfig config,
      ShardStore store,
      StatusOutbox outbox,
      TimerLoop loop,
      TimeSource time) {
    this.hostId = hostId;
    this.config = config;
    this.store = store;
    this.outbox = outbox;
    this.loop = loop;
    this.time = time;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named("subminute-host", false));
  }

  /**
   * Runs the first lease tick (so that other hosts count this one from now on), then one every
   * renewal period.
   */
  public Host start() {
    try {
      call(this::leaseTick);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.scheduleWithFixedDelay(
        this::leaseTick, config.renewMs(), config.renewMs(), TimeUnit.MILLISECONDS);
    return this;
  }

  public String id() {
    return hostId;
  }

  /** Whether this host's heartbeat has reached storage: other hosts count it. */
  public boolean registered() {
    return registered;
  }

  public int hostedJobs() {
    return hostedJobs;
  }

  public int ownedShards() {
    return ownedShards;
  }

  /**
   * The shards this host held at its last lease tick, including those offered to it that it has
   * taken ahead of the handoff: whose items it needs to learn.
   */
  public Set<Integer> heldShards() {
    return heldShards;
  }

  /** Lease ticks that could not reach storage. */
  public long storageErrors() {
    return storageErrors;
  }

  /** Every job item as just read; the host runs those of its shards that should run. */
  public void offerItems(Collection<HostJobView> items) {
    Map<Integer, List<HostJobView>> byShard = new HashMap<>();
    for (HostJobView item : items) {
      byShard
          .computeIfAbsent(Shards.of(item.jobId(), config.shards()), s -> new ArrayList<>())
          .add(item);
    }
    execute(
        () -> {
          if (halted) {
            return;
          }
          known = byShard;
          owned.values().forEach(this::reconcile);
          hostedJobs = jobs.size();
        });
  }

  private void leaseTick() {
    if (halted) {
      return;
    }
    try {
      leaseTicks++;
      long sentNanos = time.monoNanos();
      long nowMs = wallMillis();
      ShardView view;
      try {
        if (!leaving) {
          store.beat(hostId, nowMs);
          registered = true;
        }
        view = store.read(config.shards());
      } catch (RuntimeException unreachable) {
        storageErrors++; // the fences run out by themselves
        return;
      }
      ShardPlan plan =
          ShardPlan.of(view, hostId, nowMs, config.leaseMs(), config.handoffLeadMs(), leaving);
      otherLiveHosts =
          (int)
              view.hosts().stream()
                  .filter(h -> !h.hostId().equals(hostId) && h.seenAt() > nowMs - config.leaseMs())
                  .count();
      long validUntil = sentNanos + (config.leaseMs() - config.fenceMarginMs()) * 1_000_000L;
      settleMoves(view, nowMs);
      plan.renew().forEach(lease -> renew(lease, nowMs, validUntil));
      plan.withdraw().forEach(this::withdraw);
      plan.take().forEach(lease -> take(lease, nowMs, validUntil));
      plan.offer().forEach(offer -> offer(offer, nowMs));
      flushCountsSlice();
      ownedShards = owned.size();
      heldShards = Set.copyOf(owned.keySet());
      hostedJobs = jobs.size();
    } catch (RuntimeException bug) {
      storageErrors++;
    }
  }

  /** Shards this host holds in memory that storage now gives to someone else. */
  private void settleMoves(ShardView view, long nowMs) {
    for (OwnedShard shard : List.copyOf(owned.values())) {
      ShardLease lease = view.shard(shard.shard);
      boolean stillMine = hostId.equals(lease.owner()) && lease.epoch() == shard.epoch;
      if (stillMine) {
        continue;
      }
      boolean handedOver = shard.offeredTo != null && shard.offeredTo.equals(lease.owner());
      if (!handedOver) {
        shard.fence.revoke();
        drop(shard);
      } else if (nowMs > shard.handoffAt) {
        drop(shard); // its timers ended at the handoff instant; any far-off ones end now
      }
    }
  }

  private void renew(ShardLease lease, long nowMs, long validUntilNanos) {
    OwnedShard shard = owned.get(lease.shard());
    try {
      if (shard == null || shard.epoch != lease.epoch()) {
        store.release(lease.shard(), hostId, lease.epoch(), nowMs + 1); // a leftover of this host
      } else if (store.renew(shard.shard, hostId, shard.epoch, nowMs + config.leaseMs())) {
        shard.fence.confirm(validUntilNanos);
      } else if (shard.offeredTo == null) {
        shard.fence.revoke();
        drop(shard);
      } // else the offer was taken: firing goes on up to the handoff instant
    } catch (RuntimeException unreachable) {
      storageErrors++; // the fence runs out unless a later renewal succeeds
    }
  }

  private void withdraw(ShardLease lease) {
    OwnedShard shard = owned.get(lease.shard());
    if (leaving) {
      return; // a leaving host keeps its offers standing
    }
    try {
      if (shard != null && store.withdraw(shard.shard, hostId, shard.epoch)) {
        shard.offeredTo = null;
        shard.fence.reopen();
        reconcile(shard); // timers that reached the handoff instant start again
      }
    } catch (RuntimeException unreachable) {
      storageErrors++;
    }
  }

  private void take(ShardLease lease, long nowMs, long validUntilNanos) {
    boolean offered = hostId.equals(lease.nextOwner());
    boolean expired = !offered && lease.expiredAt(nowMs);
    long from =
        offered
            ? lease.handoffAt()
            : Math.max(nowMs + 1, Math.max(lease.ownerFrom(), expired ? lease.leaseUntil() : 0));
    try {
      if (store.take(lease, hostId, nowMs + config.leaseMs(), from)) {
        Fence fence = Fence.from(from);
        fence.confirm(validUntilNanos);
        long missedSince = expired ? lease.leaseUntil() - config.leaseMs() : from;
        OwnedShard shard = new OwnedShard(lease.shard(), lease.epoch() + 1, fence, missedSince);
        owned.put(shard.shard, shard);
        reconcile(shard);
      }
    } catch (RuntimeException unreachable) {
      storageErrors++;
    }
  }

  private void offer(ShardPlan.Offer offer, long nowMs) {
    OwnedShard shard = owned.get(offer.lease().shard());
    long handoffAt = nowMs + config.handoffLeadMs();
    try {
      if (shard != null && store.offer(shard.shard, hostId, shard.epoch, offer.to(), handoffAt)) {
        shard.offeredTo = offer.to();
        shard.handoffAt = handoffAt;
        shard.fence.endAt(handoffAt);
      }
    } catch (RuntimeException unreachable) {
      storageErrors++;
    }
  }

  /** Stops the shard's timers; their counts still reach the items. */
  private void drop(OwnedShard shard) {
    owned.remove(shard.shard);
    for (HostedJob job : List.copyOf(jobs.values())) {
      if (job.shard == shard.shard) {
        loop.stop(job.timer, "the shard moved to another host");
      }
    }
  }

  /** Makes the shard's timers match its items as last read. */
  private void reconcile(OwnedShard shard) {
    List<HostJobView> items = known.getOrDefault(shard.shard, List.of());
    Map<String, HostJobView> present = new HashMap<>();
    for (HostJobView item : items) {
      present.put(item.jobId(), item);
      apply(item, shard);
    }
    for (HostedJob job : List.copyOf(jobs.values())) {
      if (job.shard == shard.shard && !present.containsKey(job.job.jobId())) {
        jobs.remove(job.job.jobId());
        loop.stop(job.timer, "the item was deleted");
      }
    }
  }

  private void apply(HostJobView item, OwnedShard shard) {
    HostedJob hosted = jobs.get(item.jobId());
    if (item.decision() instanceof JobDecision.Run run) {
      Job job = run.job();
      if (hosted == null) {
        if (shard.offeredTo == null) {
          start(job, item, shard);
        }
      } else if (!job.equals(hosted.job)) {
        hosted.job = job;
        loop.update(hosted.timer, job);
        outbox.submit(job.jobId(), running(job));
      } else if (item.status() != JobStatus.RUNNING) {
        outbox.submit(job.jobId(), running(job));
      }
      return;
    }
    JobDecision.Stop stop = (JobDecision.Stop) item.decision();
    StatusChange stopped =
        stop.status() == null
            ? null
            : StatusChange.status(
                stop.status(), stop.reason(), stop.status() == JobStatus.STOPPED ? false : null);
    if (hosted != null) {
      jobs.remove(item.jobId());
      hosted.endStatus = stopped;
      loop.stop(hosted.timer, stop.reason());
    } else if (stopped != null
        && (item.status() != stop.status() || !stop.reason().equals(item.statusReason()))) {
      outbox.submit(item.jobId(), stopped);
    }
  }

  private void start(Job job, HostJobView item, OwnedShard shard) {
    HostedJob hosted = new HostedJob(shard.shard, job);
    jobs.put(job.jobId(), hosted);
    long from = shard.fence.fromMs();
    if (item.status() == JobStatus.RUNNING && shard.missedSinceMs < from) {
      long since = Math.max(item.lastTickAt(), shard.missedSinceMs - 1);
      long missed = TickGrid.countBetween(job, since, from);
      if (missed > 0) {
        outbox.submit(job.jobId(), StatusChange.counts(null, 0, missed, 0, null));
      }
    }
    hosted.timer =
        loop.startHosted(
            job, hostId, null, shard.fence, result -> execute(() -> ended(hosted, result)));
    String reason = runningReason(job);
    if (item.status() != JobStatus.RUNNING || !reason.equals(item.statusReason())) {
      outbox.submit(job.jobId(), running(job));
    }
  }

  private void ended(HostedJob hosted, WindowResult result) {
    jobs.remove(hosted.job.jobId(), hosted);
    StatusChange counts =
        StatusChange.counts(
            result.lastPlanned(),
            result.fired(),
            result.missed(),
            result.invokeErrors(),
            result.fired() == 0 ? null : result.driftP99Micros() / 1_000.0);
    StatusChange change = hosted.endStatus == null ? counts : counts.then(hosted.endStatus);
    if (change.status() != null || change.hasCounts()) {
      outbox.submit(hosted.job.jobId(), change);
    }
    hostedJobs = jobs.size();
  }

  /** Each lease tick takes the counts of one slice of the jobs, so writes spread over time. */
  private void flushCountsSlice() {
    long slices = Math.max(1, config.statusFlushMs() / config.renewMs());
    long slice = leaseTicks % slices;
    for (HostedJob hosted : jobs.values()) {
      if (Math.floorMod(hosted.job.jobId().hashCode(), slices) == slice) {
        String jobId = hosted.job.jobId();
        loop.takeCounts(
            hosted.timer,
            c -> {
              if (c.fired() != 0 || c.missed() != 0 || c.invokeErrors() != 0) {
                Double drift = c.driftP99Micros() == null ? null : c.driftP99Micros() / 1_000.0;
                outbox.submit(
                    jobId,
                    StatusChange.counts(
                        c.lastPlanned(), c.fired(), c.missed(), c.invokeErrors(), drift));
              }
            });
      }
    }
  }

  private StatusChange running(Job job) {
    return StatusChange.status(JobStatus.RUNNING, runningReason(job), true);
  }

  private String runningReason(Job job) {
    return "Ticking every "
        + job.intervalMs()
        + " ms"
        + (job.hasProfile() ? " outside profile rules" : "")
        + " on a shared host.";
  }

  /**
   * Leaves gracefully: offers every shard to the other live hosts, which fire from the handoff
   * instant on; what nobody takes stops with PENDING and is released. Then writes what is left.
   */
  @Override
  public void close() {
    if (halted) {
      return;
    }
    try {
      call(
          () -> {
            leaving = true;
            try {
              store.leave(hostId); // others stop counting this host before it offers its shards
            } catch (RuntimeException unreachable) {
              storageErrors++;
            }
            leaseTick();
          });
      // a busy successor may take its offers late: wait up to a lease for them
      long deadline = System.nanoTime() + (config.handoffLeadMs() + config.leaseMs()) * 1_000_000L;
      while (call(() -> otherLiveHosts > 0 && !owned.isEmpty())
          && System.nanoTime() - deadline < 0) {
        Thread.sleep(50);
      }
      call(this::releaseAll);
      long ended = System.nanoTime() + 2_000_000_000L;
      while (call(() -> !jobs.isEmpty()) && System.nanoTime() - ended < 0) {
        Thread.sleep(10); // the stopped timers' last counts reach the outbox through this thread
      }
      call(() -> store.leave(hostId));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException storageDown) {
      // leases run out by themselves; counts not written are lost with the process
    } finally {
      thread.shutdown();
      try {
        thread.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void releaseAll() {
    long nowMs = wallMillis();
    for (OwnedShard shard : List.copyOf(owned.values())) {
      if (shard.offeredTo != null) {
        // the offer stands: its host fires from the handoff instant once it takes the shard, and
        // counts what it was too late for; releasing would leave those instants nobody's
        shard.fence.endAt(Math.min(shard.fence.untilMs(), shard.handoffAt));
        drop(shard);
        continue;
      }
      shard.fence.revoke(); // before the release: no tick from now on is dispatched here
      for (HostedJob job : List.copyOf(jobs.values())) {
        if (job.shard == shard.shard) {
          job.endStatus = StatusChange.status(JobStatus.PENDING, SHUTDOWN_REASON, true);
          loop.stop(job.timer, SHUTDOWN_REASON);
        }
      }
      owned.remove(shard.shard);
      try {
        // ticks dispatched ahead to be prepared still leave within that lead: the next owner
        // fires only after it
        store.release(shard.shard, hostId, shard.epoch, nowMs + 1 + prepareAheadMs());
      } catch (RuntimeException unreachable) {
        // the lease runs out by itself
      }
    }
  }

  /**
   * Stops at once without a word, as a killed process would: no write from now on, leases left to
   * run out. For fault tests. A request in flight completes (dynalite dies of an aborted one).
   */
  public void halt() {
    halted = true;
    thread.shutdown();
  }

  private void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // the host is closing
    }
  }

  private <T> T call(java.util.concurrent.Callable<T> task) throws InterruptedException {
    try {
      return CompletableFuture.supplyAsync(
              () -> {
                try {
                  return task.call();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              },
              thread)
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  private void call(Runnable task) throws InterruptedException {
    call(
        () -> {
          task.run();
          return null;
        });
  }

  private long prepareAheadMs() {
    return (loop.prepareAheadNanos() + 999_999) / 1_000_000;
  }

  private long wallMillis() {
    return Math.floorDiv(time.wallMicros(), 1_000);
  }
}
