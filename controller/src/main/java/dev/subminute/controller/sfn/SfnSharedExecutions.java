package dev.subminute.controller.sfn;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.SharedExecutions;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/** Shared jobs' executions of the job state machine, whose input is {@code {"jobId": ...}}. */
public final class SfnSharedExecutions implements SharedExecutions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SfnClient sfn;
  private final String jobStateMachineArn;

  public SfnSharedExecutions(SfnClient sfn, String jobStateMachineArn) {
    this.sfn = sfn;
    this.jobStateMachineArn = jobStateMachineArn;
  }

  @Override
  public boolean start(String name, String jobId) {
    String input = JSON.createObjectNode().put("jobId", jobId).toString();
    try {
      sfn.startExecution(r -> r.stateMachineArn(jobStateMachineArn).name(name).input(input));
      return true;
    } catch (ExecutionAlreadyExistsException e) {
      return false;
    }
  }
}
