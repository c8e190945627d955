package dev.subminute.controller.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The job executions as Step Functions executions of the controller state machine. */
public final class SfnExecutions implements Executions {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SfnClient sfn;
  private final String stateMachineArn;

  public SfnExecutions(SfnClient sfn, String stateMachineArn) {
    this.sfn = sfn;
    this.stateMachineArn = stateMachineArn;
  }

  @Override
  public boolean start(String name, ControllerState input) {
    try {
      sfn.startExecution(r -> r.stateMachineArn(stateMachineArn).name(name).input(json(input)));
      return true;
    } catch (ExecutionAlreadyExistsException e) {
      return false;
    }
  }

  @Override
  public List<RunningExecution> running() {
    List<RunningExecution> running = new ArrayList<>();
    for (ExecutionListItem e :
        sfn.listExecutionsPaginator(
                r -> r.stateMachineArn(stateMachineArn).statusFilter(ExecutionStatus.RUNNING))
            .executions()) {
      running.add(new RunningExecution(e.executionArn(), e.name(), null, null));
    }
    return running;
  }

  @Override
  public RunningExecution describe(RunningExecution listed) {
    JsonNode state = read(sfn.describeExecution(r -> r.executionArn(listed.id())).input());
    return new RunningExecution(
        listed.id(), listed.name(), text(state, "jobId"), text(state, "owner"));
  }

  @Override
  public void stop(RunningExecution execution, String cause) {
    sfn.stopExecution(
        r ->
            r.executionArn(execution.id())
                .error("Orphan")
                .cause(cause.length() > 256 ? cause.substring(0, 256) : cause));
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json == null ? "{}" : json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(ControllerState state) {
    try {
      return JSON.writeValueAsString(state);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
