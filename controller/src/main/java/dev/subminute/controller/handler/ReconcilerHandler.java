package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Every minute: starts jobs that should run and have no live execution; ends orphans. Called by
 * CloudFormation as the stack's DemoJob custom resource, it also writes the demo job first, so a
 * fresh stack ticks at once.
 */
public final class ReconcilerHandler implements RequestHandler<Map<String, Object>, String> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JobTable table;
  private final Reconciler reconciler;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ReconcilerHandler() {
    Environment env = Environment.fromSystem();
    this.table = new JobTable(DynamoClients.aws(), env.tableName());
    this.reconciler =
        new Reconciler(
            table,
            new SfnExecutions(SfnClient.create(), env.stateMachineArn()),
            WorkerPolicy.parse(env.allowedWorkers()),
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
    String reason = "demo job " + jobId + " written and started";
    try {
      String type = String.valueOf(event.get("RequestType"));
      if (type.equals("Create") || type.equals("Update")) {
        table.putIfAbsent(
            JobItem.builder()
                .jobId(jobId)
                .workerArn(String.valueOf(props.get("WorkerArn")))
                .intervalMs(Long.parseLong(String.valueOf(props.get("IntervalMs"))))
                .running(true)
                .build());
        reconciler.reconcileOnce();
      } else {
        reason = "nothing to do on " + type + "; the job stays in the retained table";
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
}
