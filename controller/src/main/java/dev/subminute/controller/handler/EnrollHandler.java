package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.controller.host.Shards;
import dev.subminute.controller.host.TaskTokens;
import dev.subminute.controller.sfn.SfnTaskTokens;
import dev.subminute.controller.time.WallClock;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The job state machine's enrollment, called with {@code lambda:invoke.waitForTaskToken}: writes
 * the task token, the execution and the job's shard on the item, where the host holding that shard
 * finds it within a second; the execution then parks until someone completes the token. An item
 * already deleted, or held by a dedicated controller, completes it at once; an older execution
 * enrolled for the same job (a second start) is completed, so one execution stays parked per job.
 *
 * <p>Input: {@code {"jobId": "...", "taskToken": "...", "execution": "..."}}.
 */
public final class EnrollHandler implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Enrollments enrollments;
  private final TaskTokens tokens;
  private final int shards;
  private final WallClock clock;

  public EnrollHandler() {
    this(
        new Enrollments(new JobTable(DynamoClients.aws(), HostEnvironment.required("TABLE_NAME"))),
        new SfnTaskTokens(SfnClient.create()),
        Integer.parseInt(HostEnvironment.required("SHARDS")),
        WallClock.SYSTEM);
  }

  public EnrollHandler(Enrollments enrollments, TaskTokens tokens, int shards, WallClock clock) {
    this.enrollments = enrollments;
    this.tokens = tokens;
    this.shards = shards;
    this.clock = clock;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JSON.writeValue(output, enroll(JSON.readTree(input)));
  }

  public JsonNode enroll(JsonNode request) {
    String jobId = HostEnvironment.text(request, "jobId", null);
    String token = HostEnvironment.text(request, "taskToken", null);
    String execution = HostEnvironment.text(request, "execution", null);
    if (jobId == null || token == null || execution == null) {
      throw new IllegalArgumentException(
          "enrollment needs jobId, taskToken and execution in its input, as the job state machine"
              + " passes them; got "
              + request);
    }
    int shard = Shards.of(jobId, shards);
    Enrollments.Outcome outcome =
        enrollments.enroll(jobId, shard, execution, token, clock.wallMillis());
    switch (outcome.kind()) {
      case ENROLLED -> {
        if (outcome.replacedToken() != null) {
          tokens.complete(
              outcome.replacedToken(),
              new JobEnding(
                  JobEnding.SUPERSEDED,
                  "Execution " + execution + " enrolled the job after this one and runs it now."));
        }
      }
      case GONE ->
          tokens.complete(
              token,
              new JobEnding(JobEnding.DELETED, "The item was deleted before it was enrolled."));
      case HELD_BY_DEDICATED ->
          tokens.complete(
              token,
              new JobEnding(
                  JobEnding.DEDICATED,
                  "The job runs on its dedicated controller "
                      + outcome.owner()
                      + "; a change of placement applies when the job next starts (set running"
                      + " to false, then to true)."));
    }
    boolean enrolled = outcome.kind() == Enrollments.Outcome.Kind.ENROLLED;
    ObjectNode result = JSON.createObjectNode().put("jobId", jobId).put("enrolled", enrolled);
    return result.put("shard", shard);
  }
}
