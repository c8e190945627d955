package dev.subminute.controller.core;

import dev.subminute.model.Job;

/**
 * How a window on the timer ended and what it did.
 *
 * @param lastPlanned the last planned instant fired or counted missed, epoch ms; null if none
 * @param resumeAtMs for WAIT, when the next window should start, epoch ms
 * @param driftP99Micros dispatch drift p99 over this window's fired ticks
 */
public record WindowResult(
    Action action,
    Job job,
    Long lastPlanned,
    Long resumeAtMs,
    long fired,
    long missed,
    long invokeErrors,
    long driftP99Micros,
    long driftMaxMicros,
    String reason) {

  public enum Action {
    /** The window ended right after a tick; the next window continues at once. */
    CONTINUE,
    /** The next tick is far: wait until {@code resumeAtMs}, then run a window. */
    WAIT,
    /** The job stopped: running = false, deleted, invalid or owned elsewhere. */
    STOP
  }
}
