package dev.subminute.model;

/** Where a job's timer runs. */
public enum Placement {
  /** On a shared host, with the timers of many other jobs (the default). */
  SHARED,
  /** On a controller of its own, for a job that wants today's one-Lambda-per-job isolation. */
  DEDICATED
}
