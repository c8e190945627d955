package dev.subminute.controller.host;

/** Completes the task token a job's execution is parked on. */
public interface TaskTokens {

  /**
   * Tells the parked execution why its job ended; false when the token no longer waits (its
   * execution ended, was stopped or timed out). Throws when the service cannot be reached.
   */
  boolean complete(String taskToken, JobEnding ending);
}
