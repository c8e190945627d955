package dev.subminute.model;

/** The status the system writes on a job's item. */
public enum JobStatus {
  PENDING,
  RUNNING,
  STOPPED,
  INVALID,
  FAILED
}
