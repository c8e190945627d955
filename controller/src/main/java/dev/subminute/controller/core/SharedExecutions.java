package dev.subminute.controller.core;

/**
 * The executions of shared jobs: each enrolls its job on the shared hosts and parks until the job
 * ends. Step Functions' job state machine on AWS.
 */
public interface SharedExecutions {

  /**
   * Starts the job's execution under a deterministic name; false when an execution of that name
   * exists already, which counts as success.
   */
  boolean start(String name, String jobId);
}
