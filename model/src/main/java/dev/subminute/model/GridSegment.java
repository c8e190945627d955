package dev.subminute.model;

/**
 * A stretch of time over which one interval is in force: from the instant it was computed for up to
 * {@code endExclusive} (epoch ms). A job without a profile has one segment that never ends.
 */
public record GridSegment(long intervalMs, long offsetMs, long endExclusive) {

  /** The first planned instant strictly after {@code epochMs} on this segment's grid. */
  public long nextAfter(long epochMs) {
    return TickGrid.nextOnFixedGrid(epochMs, intervalMs, offsetMs);
  }
}
