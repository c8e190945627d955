package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Every minute: starts jobs that should run and have no live execution; ends orphans. Called by
 * CloudFormation as the stack's DemoJob custom resource, it also writes the demo job first (on
 * create and update, with the interval given), so a fresh stack ticks at once, and deletes it with
 * the resource, so that nothing keeps ticking after the demo is switched off or the stack is gone.
 */
public final class ReconcilerHandler implements RequestHandler<Map<String, Object>, String> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobTable table;
  private final Reconciler reconciler;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ReconcilerHandler() {
    Environment env = Environment.fromSystem();
    SfnClient sfn = SfnClient.create();
    this.table = new JobTable(DynamoClients.aws(), env.tableName());
    this.reconciler =
        new Reconciler(
            new DynamoJobStore(table),
            new SfnExecutions(sfn, env.stateMachineArn()),
            env.sharedExecutions(sfn),
            env.workerPolicy(),
            System::currentTimeMillis);
  }

  public ReconcilerHandler(JobTable table, Reconciler reconciler) {
    this.table = table;
    this.reconciler = reconciler;
  }

  @Override
  public String handleRequest(Map<String, Object> event, Context context) {
    if (event != null && event.containsKey("RequestType") && event.containsKey("ResponseURL")) {
      return customResource(event);
    }
    if (event != null && event.get("requestPayload") instanceof Map<?, ?> payload) {
      return countFailedTick(payload.get("jobId"), event.get("requestContext"));
    }
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    return "jobs="
        + outcome.jobs()
        + " started="
        + outcome.started()
        + " invalid="
        + outcome.invalid()
        + " orphansStopped="
        + outcome.orphansStopped();
  }

  /**
   * CloudFormation's custom resource protocol: do the work, then PUT the outcome to ResponseURL.
   */
  private String customResource(Map<String, Object> event) {
    @SuppressWarnings("unchecked")
    Map<String, Object> props =
        (Map<String, Object>) event.getOrDefault("ResourceProperties", Map.of());
    String jobId = String.valueOf(props.getOrDefault("DemoJobId", "demo-probe"));
    String status = "SUCCESS";
    String reason;
    try {
      String type = String.valueOf(event.get("RequestType"));
      if (type.equals("Delete")) {
        table.delete(jobId);
        reason = "demo job " + jobId + " deleted; its execution ends with it";
      } else {
        String workerArn = String.valueOf(props.get("WorkerArn"));
        long intervalMs = Long.parseLong(String.valueOf(props.get("IntervalMs")));
        writeDemoJob(jobId, workerArn, intervalMs);
        reconciler.reconcileOnce();
        reason = "demo job " + jobId + " written with " + intervalMs + " ms and started";
      }
    } catch (RuntimeException e) {
      status = "FAILED";
      reason = "could not write the demo job: " + e;
    }
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("Status", status);
    response.put("Reason", reason);
    response.put("PhysicalResourceId", jobId);
    response.put("StackId", event.get("StackId"));
    response.put("RequestId", event.get("RequestId"));
    response.put("LogicalResourceId", event.get("LogicalResourceId"));
    response.put("Data", Map.of("JobId", jobId));
    try {
      HttpRequest put =
          HttpRequest.newBuilder(URI.create(String.valueOf(event.get("ResponseURL"))))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "")
              .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(response)))
              .build();
      http.send(put, HttpResponse.BodyHandlers.discarding());
    } catch (Exception e) {
      throw new IllegalStateException("could not answer CloudFormation: " + e, e);
    }
    return status + ": " + reason;
  }

  /**
   * As the on-failure destination of the example workers: a tick whose event failed or expired
   * (Lambda's record carries the worker event) is counted on its job's item, as {@code
   * failedTicks}, a status attribute.
   */
  private String countFailedTick(Object jobId, Object requestContext) {
    if (!(jobId instanceof String id)) {
      return "a failed event without a jobId: " + requestContext;
    }
    return table.countFailedTick(id, Instant.now())
        ? "failed tick of " + id + " counted: " + requestContext
        : "failed tick of " + id + ", a job that is gone: " + requestContext;
  }

  /** Creates the job, or sets the worker, interval and running of the one the table kept. */
  private void writeDemoJob(String jobId, String workerArn, long intervalMs) {
    if (!table.putIfAbsent(Job.builder(jobId, workerArn, intervalMs).build())) {
      long version = table.get(jobId).map(JobTable::version).orElse(0L);
      table.setAttributes(
          jobId,
          Map.of(
              "workerArn", AttributeValue.fromS(workerArn),
              "intervalMs", AttributeValue.fromN(Long.toString(intervalMs)),
              "running", AttributeValue.fromBool(true)),
          Set.of(),
          version);
    }
  }
}
