package dev.subminute.controller.core;

import java.util.List;

/** The state machine's executions, one per job: Step Functions on AWS, a stand-in locally. */
public interface Executions {

  /**
   * Starts an execution under a deterministic name with a {@link ControllerState} as input; false
   * when an execution of that name exists already, which counts as success.
   */
  boolean start(String name, ControllerState input);

  /**
   * The executions still running. Where reading an execution's input costs a call per execution
   * (Step Functions), its job and owner are null here: see {@link #describe}.
   */
  List<RunningExecution> running();

  /** The execution with the job and owner from its input. */
  default RunningExecution describe(RunningExecution listed) {
    return listed;
  }

  void stop(RunningExecution execution, String cause);

  record RunningExecution(String id, String name, String jobId, String owner) {}
}
