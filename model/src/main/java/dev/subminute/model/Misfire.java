package dev.subminute.model;

/** What a controller does with planned instants it missed by more than the tolerance. */
public enum Misfire {
  /** Missed instants are counted and never fired. */
  SKIP,
  /**
   * One late tick fires at once for the latest missed instant, then the job is back on the grid.
   */
  FIRE_ONCE
}
