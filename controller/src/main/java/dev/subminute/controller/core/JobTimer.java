package dev.subminute.controller.core;

import dev.subminute.model.GridSegment;
import dev.subminute.model.Job;
import dev.subminute.model.Misfire;
import dev.subminute.model.TickGrid;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One job's window on the timer: its grid mapped onto the monotonic clock, the next deadline, and
 * the window's statistics. Every method but the constructor runs on the timer thread; the tick path
 * ({@link #onDue(long)}) neither allocates nor logs.
 */
public final class JobTimer {
  private static final long NONE = Long.MIN_VALUE;

  final String execution;
  private final TimerLoop loop;
  private final Fence fence;
  private final boolean parks;
  private final Consumer<WindowResult> onEnd;
  private final long windowEndNanos;
  private final AtomicLong invokeErrors = new AtomicLong();
  private final IntCountsHistogram driftMicros = new IntCountsHistogram(60_000_000L, 2);

  private Job job;
  private GridSegment segment;
  private long wallAnchorMicros;
  private long monoAnchorNanos;
  private long nextPlanned;
  private long lastPlanned;
  private long fired;
  private long missed;
  private boolean ended;

  long deadlineNanos;
  int heapIndex = -1;

  JobTimer(
      TimerLoop loop,
      Job job,
      String execution,
      Long lastPlanned,
      long windowEndNanos,
      Fence fence,
      boolean parks,
      Consumer<WindowResult> onEnd) {
    this.loop = loop;
    this.fence = fence;
    this.parks = parks;
    this.job = job;
    this.execution = execution;
    this.lastPlanned = lastPlanned == null ? NONE : lastPlanned;
    this.windowEndNanos = windowEndNanos;
    this.onEnd = onEnd;
  }

  public String jobId() {
    return job.jobId();
  }

  /** Maps the grid onto the monotonic clock (one wall-clock reading) and plans the first tick. */
  void start(long nowNanos) {
    long monoBefore = loop.time().monoNanos();
    wallAnchorMicros = loop.time().wallMicros();
    monoAnchorNanos = monoBefore + (loop.time().monoNanos() - monoBefore) / 2;
    long nowMs = epochMsAt(nowNanos);
    long from = lastPlanned == NONE ? nowMs : lastPlanned;
    if (fence.fromMs() > from) {
      from = fence.fromMs() - 1; // the instants before are the previous owner's
    }
    segment = TickGrid.segmentAt(job, from);
    planAfter(from);
    if (!endIfIdleTooLong(nowNanos)) {
      loop.schedule(this);
    }
  }

  /** Fires, skips or counts whatever is due at {@code nowNanos}, then plans the next deadline. */
  void onDue(long nowNanos) {
    long nowMs = epochMsAt(nowNanos);
    long tolerance = toleranceMs();
    long latestSkipped = NONE;
    while (deadlineNanos - nowNanos <= 0) {
      if (nextPlanned >= fence.untilMs()) {
        end(WindowResult.Action.STOP, null, "handed over");
        return;
      }
      if (nowMs - nextPlanned > tolerance || !fence.valid(sendAtNanos(nextPlanned, nowNanos))) {
        missed++;
        loop.listener().missed(job.jobId(), nextPlanned);
        latestSkipped = nextPlanned;
      } else {
        latestSkipped = NONE; // this late tick is the one FIRE_ONCE would fire
        fire(nextPlanned, segment.intervalMs(), nowNanos);
      }
      lastPlanned = nextPlanned;
      planAfter(nextPlanned);
    }
    fireOnceForSkipped(latestSkipped, nowNanos);
    if (!endIfIdleTooLong(nowNanos)) {
      loop.schedule(this);
    }
  }

  /** FIRE_ONCE: when nothing within the tolerance fires, the latest skipped instant fires late. */
  private void fireOnceForSkipped(long latestSkipped, long nowNanos) {
    if (latestSkipped != NONE
        && job.misfire() == Misfire.FIRE_ONCE
        && fence.valid(sendAtNanos(latestSkipped, nowNanos))
        && latestSkipped >= fence.fromMs()) {
      missed--;
      fire(latestSkipped, TickGrid.intervalAt(job, latestSkipped), nowNanos);
    }
  }

  /**
   * Applies a changed item from the next tick on: the grid of the new item, after the last tick.
   */
  void update(Job changed, long nowNanos) {
    if (ended) {
      return;
    }
    job = changed;
    long from = Math.max(lastPlanned, epochMsAt(nowNanos));
    segment = TickGrid.segmentAt(job, from);
    planAfter(from);
    if (!endIfIdleTooLong(nowNanos)) {
      loop.schedule(this);
    }
  }

  void stop(String reason) {
    end(WindowResult.Action.STOP, null, reason);
  }

  /** The counts since the previous call, for a host's periodic status; resets them. */
  TimerCounts takeCounts() {
    if (ended) {
      return new TimerCounts(0, 0, 0, null, null); // the window's end reports them
    }
    TimerCounts counts =
        new TimerCounts(
            fired,
            missed,
            invokeErrors.getAndSet(0),
            lastPlanned == NONE ? null : lastPlanned,
            driftMicros.getTotalCount() == 0 ? null : driftMicros.getValueAtPercentile(99));
    fired = 0;
    missed = 0;
    driftMicros.reset();
    return counts;
  }

  /** Counts an invoke that failed; called from the invoker's threads. */
  void invokeFailed() {
    invokeErrors.incrementAndGet();
  }

  /**
   * Dispatches the tick planned at {@code planned}: it leaves at that instant, or at once when the
   * timer is late. Its drift is how late it leaves; a tick dispatched ahead to be prepared has
   * none.
   */
  private void fire(long planned, long intervalMs, long nowNanos) {
    long sendAtNanos = sendAtNanos(planned, nowNanos);
    long driftNanos = sendAtNanos - monoAt(planned);
    long firedAtMicros = wallAnchorMicros + (sendAtNanos - monoAnchorNanos) / 1_000;
    loop.dispatcher().dispatch(this, job, planned, intervalMs, firedAtMicros, sendAtNanos);
    fired++;
    driftMicros.recordValue(Math.min(Math.max(driftNanos / 1_000, 0), 60_000_000L));
    loop.listener().fired(job.jobId(), planned, driftNanos);
  }

  private void planAfter(long epochMs) {
    long next = segment.nextAfter(epochMs);
    if (next >= segment.endExclusive()) {
      next = TickGrid.nextAfter(job, epochMs);
      segment = TickGrid.segmentAt(job, next);
    }
    nextPlanned = next;
    deadlineNanos = monoAt(next) - loop.dispatcher().prepareAheadNanos();
  }

  private long sendAtNanos(long planned, long nowNanos) {
    return Math.max(monoAt(planned), nowNanos);
  }

  /**
   * Ends a dedicated window with WAIT when the next tick is further away than the park threshold:
   * the state machine waits instead of holding a controller. Hosted timers never park.
   */
  private boolean endIfIdleTooLong(long nowNanos) {
    long idleMs = nextPlanned - epochMsAt(nowNanos);
    if (parks && idleMs > loop.config().parkThresholdMs()) {
      end(
          WindowResult.Action.WAIT,
          nextPlanned - loop.config().approachLeadMs(),
          "next tick is far");
      return true;
    }
    if (deadlineNanos - windowEndNanos >= 0) {
      end(WindowResult.Action.CONTINUE, null, "window ended");
      return true;
    }
    return false;
  }

  private void end(WindowResult.Action action, Long resumeAtMs, String reason) {
    if (ended) {
      return;
    }
    ended = true;
    loop.unschedule(this);
    Job endedJob = job;
    Long last = lastPlanned == NONE ? null : lastPlanned;
    long endedFired = fired;
    long endedMissed = missed;
    // the histogram is read off the timer thread: an ended timer never records again, and
    // thousands of windows ending at one handover must not cost the ticks around it
    loop.completions()
        .execute(
            () ->
                onEnd.accept(
                    new WindowResult(
                        action,
                        endedJob,
                        last,
                        resumeAtMs,
                        endedFired,
                        endedMissed,
                        invokeErrors.get(),
                        driftMicros.getTotalCount() == 0 ? 0 : driftMicros.getValueAtPercentile(99),
                        driftMicros.getMaxValue(),
                        reason)));
  }

  private long toleranceMs() {
    return Math.min(loop.config().misfireToleranceMs(), segment.intervalMs() / 2);
  }

  private long monoAt(long epochMs) {
    return monoAnchorNanos + (epochMs * 1_000 - wallAnchorMicros) * 1_000;
  }

  private long epochMsAt(long monoNanos) {
    return Math.floorDiv(wallAnchorMicros + (monoNanos - monoAnchorNanos) / 1_000, 1_000);
  }
}
