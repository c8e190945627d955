package dev.subminute.controller.core;

/**
 * What a timer did since its counts were last taken.
 *
 * @param lastPlanned the last planned instant fired or counted missed, epoch ms; null if none yet
 * @param driftP99Micros dispatch drift p99 over the fired ticks; null if none fired
 */
public record TimerCounts(
    long fired, long missed, long invokeErrors, Long lastPlanned, Long driftP99Micros) {}
