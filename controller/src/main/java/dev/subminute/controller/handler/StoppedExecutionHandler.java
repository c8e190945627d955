package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.time.WallClock;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * On EventBridge's "Step Functions Execution Status Change" for the job state machine, status
 * ABORTED: someone stopped a job's execution (StopExecution, the console). The job stops as if its
 * user had set {@code running = false}: the host holding its shard sees that at its next poll
 * (within a second) and stops the timer. Only the execution the item is enrolled by can stop it.
 */
public final class StoppedExecutionHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Enrollments enrollments;
  private final WallClock clock;

  public StoppedExecutionHandler() {
    this(
        new Enrollments(new JobTable(DynamoClients.aws(), HostEnvironment.required("TABLE_NAME"))),
        WallClock.SYSTEM);
  }

  public StoppedExecutionHandler(Enrollments enrollments, WallClock clock) {
    this.enrollments = enrollments;
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    boolean stopped = onStatusChange(JSON.readTree(input));
    JSON.writeValue(output, JSON.createObjectNode().put("stopped", stopped));
  }

  /** True if the event stopped a job; other statuses and executions of old enrollments do not. */
  public boolean onStatusChange(JsonNode event) throws IOException {
    JsonNode detail = event.path("detail");
    if (!"ABORTED".equals(detail.path("status").asText())) {
      return false;
    }
    String execution = detail.path("name").asText();
    JsonNode input = JSON.readTree(detail.path("input").asText("{}"));
    String jobId = input.path("jobId").asText(null);
    if (jobId == null || execution.isEmpty()) {
      return false;
    }
    return enrollments.stopForExecution(
        jobId,
        execution,
        "Stopped because its execution "
            + execution
            + " was stopped; set running to true to start it again.",
        clock.wallMillis());
  }
}
