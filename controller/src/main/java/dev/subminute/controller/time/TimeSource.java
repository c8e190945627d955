package dev.subminute.controller.time;

/**
 * The two clocks of the timing core, and the one way it waits. {@link #monoNanos()} is monotonic
 * and only good for elapsed time; {@link #wallMicros()} is the wall clock, read once per window to
 * map the grid onto the monotonic clock. The two are never compared with each other.
 */
public interface TimeSource extends WallClock {

  long monoNanos();

  long wallMicros();

  @Override
  default long wallMillis() {
    return Math.floorDiv(wallMicros(), 1_000);
  }

  /**
   * Waits until the monotonic clock reaches {@code deadlineNanos}, or less when woken by {@link
   * #wake(Thread)}; callers re-check the time after every return.
   */
  void parkUntil(long deadlineNanos);

  /** Wakes a thread parked in {@link #parkUntil(long)} so it can re-check its work. */
  void wake(Thread thread);

  /** Called once on the timer thread before its first wait: the real clock tunes the thread. */
  default void prepareTimerThread() {}
}
