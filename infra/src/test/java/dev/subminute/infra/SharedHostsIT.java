package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.handler.HostHandler;
import dev.subminute.model.dynamodb.Enrollments;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/** The shared hosts' part of the synthesized stack: each function's role, action by action. */
class SharedHostsIT {
  static final Set<String> STREAM_READ =
      Set.of(
          "dynamodb:DescribeStream",
          "dynamodb:GetRecords",
          "dynamodb:GetShardIterator",
          "dynamodb:ListStreams");

  static JsonNode resources;

  @BeforeAll
  static void synthesize() {
    Template template =
        Template.fromStack(
            SubminuteApp.build(
                new App(), SubminuteApp.codeFromBuild(SubminuteApp.repositoryRoot()), null));
    resources = new ObjectMapper().valueToTree(template.toJSON()).get("Resources");
  }

  @Test
  void each_shared_host_function_may_call_exactly_what_its_code_calls() {
    assertEquals(
        Set.of(
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:GetItem",
            "dynamodb:Scan",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "states:SendTaskSuccess",
            "states:SendTaskFailure",
            "lambda:InvokeFunction"),
        actions(SharedHosts.HOST_HANDLER));
    assertEquals(
        Set.of("dynamodb:UpdateItem", "dynamodb:GetItem", "states:SendTaskSuccess"),
        actions(SharedHosts.ENROLL_HANDLER));
    Set<String> deleted = new TreeSet<>(STREAM_READ);
    deleted.add("states:SendTaskSuccess");
    assertEquals(deleted, actions(SharedHosts.DELETED_JOBS_HANDLER));
    assertEquals(Set.of("dynamodb:UpdateItem"), actions(SharedHosts.STOPPED_EXECUTION_HANDLER));
    assertEquals(
        Set.of(
            "dynamodb:Scan",
            "states:ListExecutions",
            "states:StartExecution",
            "states:StopExecution"),
        actions(SharedHosts.SCALER_HANDLER));
  }

  @Test
  void nothing_is_granted_on_every_resource() {
    for (String handler :
        Set.of(
            SharedHosts.HOST_HANDLER,
            SharedHosts.ENROLL_HANDLER,
            SharedHosts.DELETED_JOBS_HANDLER,
            SharedHosts.STOPPED_EXECUTION_HANDLER,
            SharedHosts.SCALER_HANDLER)) {
      for (JsonNode statement : statements(handler)) {
        boolean onEverything =
            statement.get("Resource").isTextual() && statement.get("Resource").asText().equals("*");
        // X-Ray's and the stream source's ListStreams take no resource but *
        String action = statement.get("Action").toString();
        boolean onlyOnEverything =
            action.contains("xray:") || action.equals("\"dynamodb:ListStreams\"");
        assertTrue(!onEverything || onlyOnEverything, handler + ": " + statement);
      }
    }
  }

  @Test
  void deleted_jobs_see_only_removals_of_enrolled_items() {
    String pattern = null;
    for (JsonNode resource : resources) {
      if (resource.get("Type").asText().equals("AWS::Lambda::EventSourceMapping")
          && resource.toString().contains("taskToken")) {
        pattern =
            resource
                .get("Properties")
                .get("FilterCriteria")
                .get("Filters")
                .get(0)
                .get("Pattern")
                .asText();
      }
    }
    assertEquals(
        "{\"eventName\":[\"REMOVE\"],\"dynamodb\":{\"OldImage\":{\"taskToken\":{\"S\":[{\"exists\":true}]}}}}",
        pattern);
  }

  @Test
  void the_job_state_machine_parks_30_days_and_the_host_windows_fit_the_lambda_timeout() {
    assertTrue(SharedHosts.jobDefinition().contains("\"TimeoutSeconds\":2592000"));
    assertTrue(SharedHosts.jobDefinition().contains("lambda:invoke.waitForTaskToken"));
    assertTrue(SharedHosts.HOST_WINDOW_MS / 1_000 < 900);
    assertTrue(SharedHosts.HOST_WINDOW_TIMEOUT_SECONDS > 900);
  }

  @Test
  void starter_reconciler_and_controller_start_shared_jobs_on_the_job_state_machine_only() {
    JsonNode jobMachineArn = null;
    for (JsonNode resource : resources) {
      if (resource.get("Type").asText().equals("AWS::StepFunctions::StateMachine")
          && resource.path("Properties").path("DefinitionSubstitutions").has("EnrollFunctionArn")) {
        jobMachineArn = resource.get("Properties").get("StateMachineName");
      }
    }
    assertTrue(jobMachineArn != null, "no job state machine");
    for (String handler :
        List.of(
            SubminuteStack.STARTER_HANDLER,
            SubminuteStack.RECONCILER_HANDLER,
            SubminuteStack.CONTROLLER_HANDLER)) {
      JsonNode arn = environment(handler).get("JOB_STATE_MACHINE_ARN");
      assertTrue(arn != null, handler + " has no JOB_STATE_MACHINE_ARN");
      assertTrue(
          arn.toString().contains(jobMachineArn.toString()),
          handler + ": " + arn + " is not the ARN of " + jobMachineArn);
      List<JsonNode> starts =
          statements(handler).stream().filter(st -> st.get("Resource").equals(arn)).toList();
      assertEquals(1, starts.size(), handler + ": one statement on the job state machine");
      assertEquals("states:StartExecution", starts.get(0).get("Action").asText(), handler);
    }
  }

  @Test
  void the_shard_index_projects_what_a_host_reads_every_second_and_nothing_it_flushes() {
    JsonNode projection = null;
    for (JsonNode resource : resources) {
      for (JsonNode index : resource.path("Properties").path("GlobalSecondaryIndexes")) {
        if (index.get("IndexName").asText().equals(Enrollments.SHARD_INDEX)) {
          projection = index.get("Projection");
        }
      }
    }
    assertTrue(projection != null, "no shard index");
    assertEquals("INCLUDE", projection.get("ProjectionType").asText());
    List<String> projected = new java.util.ArrayList<>();
    projection.get("NonKeyAttributes").forEach(a -> projected.add(a.asText()));
    assertEquals(Enrollments.SHARD_INDEX_ATTRIBUTES, projected);
  }

  @Test
  void the_host_function_runs_the_jvm_options_the_host_capacity_benchmark_measures() {
    assertEquals(
        HostHandler.JVM_OPTIONS,
        environment(SharedHosts.HOST_HANDLER).path("JAVA_TOOL_OPTIONS").asText());
  }

  private static JsonNode environment(String handler) {
    for (JsonNode resource : resources) {
      JsonNode properties = resource.path("Properties");
      if (resource.get("Type").asText().equals("AWS::Lambda::Function")
          && handler.equals(properties.path("Handler").asText())) {
        return properties.path("Environment").path("Variables");
      }
    }
    throw new AssertionError("no function with handler " + handler);
  }

  private static Set<String> actions(String handler) {
    Set<String> actions = new TreeSet<>();
    for (JsonNode statement : statements(handler)) {
      JsonNode action = statement.get("Action");
      if (action.isTextual()) {
        actions.add(action.asText());
      } else {
        action.forEach(a -> actions.add(a.asText()));
      }
    }
    actions.removeIf(a -> a.startsWith("xray:"));
    return actions;
  }

  private static java.util.List<JsonNode> statements(String handler) {
    String role = null;
    for (JsonNode resource : resources) {
      JsonNode properties = resource.path("Properties");
      if (resource.get("Type").asText().equals("AWS::Lambda::Function")
          && handler.equals(properties.path("Handler").asText())) {
        role = properties.get("Role").get("Fn::GetAtt").get(0).asText();
      }
    }
    assertTrue(role != null, "no function with handler " + handler);
    java.util.List<JsonNode> statements = new java.util.ArrayList<>();
    for (Map.Entry<String, JsonNode> resource : resources.properties()) {
      JsonNode value = resource.getValue();
      if (value.get("Type").asText().equals("AWS::IAM::Policy")
          && value.get("Properties").get("Roles").toString().contains("\"" + role + "\"")) {
        value.get("Properties").get("PolicyDocument").get("Statement").forEach(statements::add);
      }
    }
    return statements;
  }
}
