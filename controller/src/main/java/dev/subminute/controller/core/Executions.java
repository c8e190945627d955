package dev.subminute.controller.core;

import java.util.List;

/** The state machine's executions, one per job: Step Functions on AWS, a stand-in locally. */
public interface Executions {

  /**
   * Starts an execution under a deterministic name with a {@link ControllerState} as input; false
   * when an execution of that name exists already, which counts as success.
   */
  boolean start(String name, ControllerState input);

  /** The executions still running, with the job and owner from their input. */
  List<RunningExecution> running();

  void stop(RunningExecution execution, String cause);

  record RunningExecution(String id, String name, String jobId, String owner) {}
}
