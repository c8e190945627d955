package dev.subminute.controller.core;

import java.time.Duration;

/**
 * Tuning of the timing core.
 *
 * @param windowMs how long one controller window runs at most
 * @param parkThresholdMs a next tick further away than this ends the window with WAIT
 * @param approachLeadMs a WAIT resumes this long before the next tick, for the precise approach
 * @param misfireToleranceMs planned instants missed by more than this (or half the interval, if
 *     smaller) are skipped and counted rather than fired late
 * @param leaseGraceMs how long a lease outlives the window it was taken for
 * @param refreshMs how often the job's item is re-read off the timing path
 * @param windowsPerExecution windows after which an execution continues as new, well under the
 *     25,000 history events of a Standard execution (each window costs 3 to 6 events)
 */
public record ControllerConfig(
    long windowMs,
    long parkThresholdMs,
    long approachLeadMs,
    long misfireToleranceMs,
    long leaseGraceMs,
    long refreshMs,
    int windowsPerExecution) {

  /** On Lambda: 14-minute windows under the 15-minute timeout; park gaps over 10 s. */
  public static ControllerConfig lambda() {
    return new ControllerConfig(
        Duration.ofMinutes(14).toMillis(), 10_000, 4_000, 1_000, 60_000, 1_000, 500);
  }

  /** On the embedded runtime: short windows so that leases move quickly between runtimes. */
  public static ControllerConfig embedded() {
    return new ControllerConfig(20_000, 10_000, 2_000, 1_000, 10_000, 1_000, 500);
  }

  public ControllerConfig withWindowMs(long ms) {
    return new ControllerConfig(
        ms,
        parkThresholdMs,
        approachLeadMs,
        misfireToleranceMs,
        leaseGraceMs,
        refreshMs,
        windowsPerExecution);
  }
}
