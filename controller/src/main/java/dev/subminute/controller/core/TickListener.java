package dev.subminute.controller.core;

/**
 * Sees every dispatched and missed tick, on the timer thread: implementations must be
 * allocation-free and fast (a histogram record, a counter).
 */
public interface TickListener {
  TickListener NONE = new TickListener() {};

  default void fired(String jobId, long plannedAt, long driftNanos) {}

  default void missed(String jobId, long plannedAt) {}
}
