package dev.subminute.controller.handler;

import dev.subminute.controller.core.SharedExecutions;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.sfn.SfnSharedExecutions;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The names and settings the stack passes to the functions. */
record Environment(
    String tableName,
    String stateMachineArn,
    String jobStateMachineArn,
    String allowedWorkers,
    String functionArnPrefix) {

  static Environment fromSystem() {
    return new Environment(
        required("TABLE_NAME"),
        System.getenv("STATE_MACHINE_ARN"),
        System.getenv("JOB_STATE_MACHINE_ARN"),
        System.getenv("ALLOWED_WORKERS"),
        System.getenv("FUNCTION_ARN_PREFIX"));
  }

  /** The allow-list, reading worker names and partial ARNs in the deployment's account. */
  WorkerPolicy workerPolicy() {
    return WorkerPolicy.parse(allowedWorkers).withFunctionArnPrefix(functionArnPrefix);
  }

  /** The job state machine, whose executions enroll shared jobs on the hosts. */
  SharedExecutions sharedExecutions(SfnClient sfn) {
    if (jobStateMachineArn == null || jobStateMachineArn.isBlank()) {
      throw new IllegalStateException(
          "environment variable JOB_STATE_MACHINE_ARN is not set; the stack sets it");
    }
    return new SfnSharedExecutions(sfn, jobStateMachineArn);
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "environment variable " + name + " is not set; the stack sets it");
    }
    return value;
  }
}
