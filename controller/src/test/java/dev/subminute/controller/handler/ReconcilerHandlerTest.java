package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ReconcilerHandlerTest {

  @Test
  void as_the_demo_custom_resource_it_writes_the_job_starts_it_and_answers_cloudformation()
      throws Exception {
    JobTable table = SharedDynalite.newTable("reconciler-handler");
    InMemoryExecutions executions = new InMemoryExecutions();
    ReconcilerHandler handler =
        handler(table, executions, "arn:aws:lambda:*:function:subminute-worker-*");
    try (CloudFormationEndpoint cloudFormation = new CloudFormationEndpoint()) {
      List<String> answers = cloudFormation.answers;
      String worker =
          "arn:aws:lambda:us-east-1:123456789012:function:subminute-worker-drift-probe-Subminute";
      String result =
          handler.handleRequest(
              Map.of(
                  "RequestType", "Create",
                  "ResponseURL", cloudFormation.url(),
                  "StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/Subminute/1",
                  "RequestId", "r-1",
                  "LogicalResourceId", "DemoJob",
                  "ResourceProperties",
                      Map.of("DemoJobId", "demo-probe", "WorkerArn", worker, "IntervalMs", "500")),
              null);
      assertTrue(result.startsWith("SUCCESS"), result);
      assertEquals("500", table.get("demo-probe").orElseThrow().get("intervalMs").n());
      assertEquals(1, executions.startedShared.size(), "the demo job is shared, the default");
      assertEquals(1, answers.size());
      assertTrue(answers.get(0).startsWith("PUT "));
      JsonNode body = new ObjectMapper().readTree(answers.get(0).substring(4));
      assertEquals("SUCCESS", body.get("Status").asText());
      assertEquals("demo-probe", body.get("PhysicalResourceId").asText());
      assertEquals("r-1", body.get("RequestId").asText());
    }
  }

  @Test
  void on_a_schedule_it_reconciles() {
    JobTable table = SharedDynalite.newTable("reconciler-schedule");
    InMemoryExecutions executions = new InMemoryExecutions();
    ReconcilerHandler handler = handler(table, executions, "log");
    assertEquals(
        "jobs=0 started=0 invalid=0 orphansStopped=0",
        handler.handleRequest(Map.of("source", "aws.events"), null));
  }

  @Test
  void as_the_demo_custom_resource_update_applies_the_new_interval_and_delete_removes_the_job()
      throws Exception {
    JobTable table = SharedDynalite.newTable("reconciler-demo-lifecycle");
    InMemoryExecutions executions = new InMemoryExecutions();
    ReconcilerHandler handler =
        handler(table, executions, "arn:aws:lambda:*:function:subminute-worker-*");
    try (CloudFormationEndpoint cloudFormation = new CloudFormationEndpoint()) {
      List<String> answers = cloudFormation.answers;
      String worker = "arn:aws:lambda:us-east-1:123456789012:function:subminute-worker-drift-probe";
      String url = cloudFormation.url();
      for (String[] request :
          new String[][] {{"Create", "1000"}, {"Update", "250"}, {"Delete", "250"}}) {
        String result =
            handler.handleRequest(
                Map.of(
                    "RequestType",
                    request[0],
                    "ResponseURL",
                    url,
                    "StackId",
                    "arn:aws:cloudformation:us-east-1:123456789012:stack/Subminute/1",
                    "RequestId",
                    "r-" + request[0],
                    "LogicalResourceId",
                    "DemoJob",
                    "ResourceProperties",
                    Map.of(
                        "DemoJobId", "demo-probe", "WorkerArn", worker, "IntervalMs", request[1])),
                null);
        assertTrue(result.startsWith("SUCCESS"), result);
        if (request[0].equals("Update")) {
          assertEquals("250", table.get("demo-probe").orElseThrow().get("intervalMs").n());
        }
      }
      assertTrue(table.get("demo-probe").isEmpty(), "deleted with the resource");
      assertEquals(3, answers.size());
      answers.forEach(a -> assertTrue(a.contains("\"Status\":\"SUCCESS\""), a));
    }
  }

  @Test
  void as_the_workers_failure_destination_it_counts_the_failed_tick_on_the_job() {
    JobTable table = SharedDynalite.newTable("reconciler-failed-ticks");
    ReconcilerHandler handler = handler(table, new InMemoryExecutions(), "log");
    table.putIfAbsent(Job.builder("probe", "log", 1000).build());
    Map<String, Object> record =
        Map.of(
            "version", "1.0",
            "requestContext",
                Map.of(
                    "requestId", "e-1",
                    "functionArn", "arn:aws:lambda:us-east-1:123456789012:function:w:$LATEST",
                    "condition", "EventAgeExceeded",
                    "approximateInvokeCount", 1),
            "requestPayload",
                Map.of("jobId", "probe", "plannedAt", 1795651200000L, "intervalMs", 1000),
            "responseContext", Map.of("statusCode", 200, "executedVersion", "$LATEST"));
    handler.handleRequest(record, null);
    handler.handleRequest(record, null);
    assertEquals("2", table.get("probe").orElseThrow().get("failedTicks").n());
    Map<String, Object> gone = new java.util.HashMap<>(record);
    gone.put("requestPayload", Map.of("jobId", "deleted", "plannedAt", 1795651200000L));
    assertTrue(handler.handleRequest(gone, null).contains("gone"));
  }

  private static ReconcilerHandler handler(
      JobTable table, InMemoryExecutions executions, String allowedWorkers) {
    return new ReconcilerHandler(
        table,
        new Reconciler(
            new DynamoJobStore(table),
            executions,
            executions,
            WorkerPolicy.allowing(List.of(allowedWorkers)),
            System::currentTimeMillis));
  }

  /** CloudFormation's response URL: keeps each answer as "METHOD body". */
  private static final class CloudFormationEndpoint implements AutoCloseable {
    final List<String> answers = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    CloudFormationEndpoint() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/response",
          x -> {
            answers.add(
                x.getRequestMethod()
                    + " "
                    + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            x.sendResponseHeaders(200, -1);
            x.close();
          });
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/response";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
