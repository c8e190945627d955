package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * The stack synthesized once, with the Lambda jars the build made, checked resource by resource.
 */
class SubminuteStackIT {
  static SubminuteStack stack;
  static Template template;
  static JsonNode resources;
  static JsonNode definition;

  @BeforeAll
  static void synthesize() throws Exception {
    App app = new App();
    stack =
        SubminuteApp.build(app, SubminuteApp.codeFromBuild(SubminuteApp.repositoryRoot()), null);
    template = Template.fromStack(stack);
    JsonNode json = new ObjectMapper().valueToTree(template.toJSON());
    resources = json.get("Resources");
    definition = StateMachineDefinition.of(json);
  }

  static List<JsonNode> ofType(String type) {
    List<JsonNode> found = new ArrayList<>();
    resources.forEach(
        r -> {
          if (r.get("Type").asText().equals(type)) {
            found.add(r);
          }
        });
    return found;
  }

  @Test
  void table_is_on_demand_streamed_recoverable_and_encrypted() {
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema", List.of(Map.of("AttributeName", "jobId", "KeyType", "HASH")),
            "BillingMode", "PAY_PER_REQUEST",
            "StreamSpecification", Map.of("StreamViewType", "NEW_AND_OLD_IMAGES"),
            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
            "SSESpecification", Map.of("SSEEnabled", true)));
  }

  @Test
  void controller_runs_java_21_on_arm64_with_measured_memory_and_15_minutes() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            SubminuteStack.CONTROLLER_HANDLER,
            "Runtime",
            "java21",
            "Architectures",
            List.of("arm64"),
            "MemorySize",
            SubminuteStack.CONTROLLER_MEMORY_MB,
            "Timeout",
            900,
            "Environment",
            Map.of(
                "Variables",
                Map.of("TABLE_NAME", Match.anyValue(), "ALLOWED_WORKERS", Match.anyValue()))));
  }

  @Test
  void starter_reads_the_stream_filtered_to_user_writes_with_bisect_and_a_dead_letter_queue() {
    template.hasResourceProperties(
        "AWS::Lambda::EventSourceMapping",
        Map.of(
            "BisectBatchOnFunctionError", true,
            "FunctionResponseTypes", List.of("ReportBatchItemFailures"),
            "MaximumRetryAttempts", 5,
            "StartingPosition", "LATEST",
            "DestinationConfig", Map.of("OnFailure", Map.of("Destination", Match.anyValue())),
            "FilterCriteria",
                Map.of(
                    "Filters",
                    List.of(
                        Map.of(
                            "Pattern",
                            "{\"eventName\":[\"INSERT\",\"MODIFY\"],\"dynamodb\":{\"NewImage\":{\"running\":{\"BOOL\":[true]},\"owner\":[{\"exists\":false}]}}}"))),
            "FunctionName", Match.anyValue()));
  }

  @Test
  void reconciler_runs_every_minute() {
    template.hasResourceProperties(
        "AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)", "State", "ENABLED"));
    template.hasResourceProperties(
        "AWS::Lambda::Function", Map.of("Handler", SubminuteStack.RECONCILER_HANDLER));
  }

  @Test
  void state_machine_is_standard_jsonpath_and_loops_continue_wait_stop() {
    template.hasResourceProperties(
        "AWS::StepFunctions::StateMachine", Map.of("StateMachineType", "STANDARD"));
    assertFalse(definition.toString().contains("JSONata"));
    JsonNode states = definition.get("States");
    assertEquals("ControllerWindow", definition.get("StartAt").asText());
    JsonNode window = states.get("ControllerWindow");
    assertEquals("Task", window.get("Type").asText());
    assertEquals("$", window.get("Parameters").get("input.$").asText());
    assertEquals("$$.Execution.Name", window.get("Parameters").get("executionName.$").asText());
    assertTrue(
        window
            .get("Retry")
            .get(0)
            .get("ErrorEquals")
            .toString()
            .contains("Lambda.ServiceException"));
    assertEquals("MarkFailed", window.get("Catch").get(0).get("Next").asText());
    assertEquals("ByAction", window.get("Next").asText());
    String choices = states.get("ByAction").toString();
    assertTrue(
        choices.contains("\"StringEquals\":\"STOP\"")
            && choices.contains("\"StringEquals\":\"WAIT\"")
            && choices.contains("\"BooleanEquals\":true"),
        choices);
    assertEquals("$.resumeAt", states.get("WaitForNextTick").get("TimestampPath").asText());
    assertEquals("ControllerWindow", states.get("WaitForNextTick").get("Next").asText());
    assertEquals(
        "arn:aws:states:::states:startExecution",
        states.get("ContinueAsNew").get("Resource").asText());
    assertEquals(
        "$.nextExecutionName",
        states.get("ContinueAsNew").get("Parameters").get("Name.$").asText());
    assertEquals("BackOff", states.get("MarkFailed").get("Next").asText());
    assertEquals("ControllerWindow", states.get("BackOff").get("Next").asText());
  }

  @Test
  void example_workers_are_deployed() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.subminute.worker.lambda.HttpPollHandler::handleRequest"));
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of("Handler", "dev.subminute.worker.lambda.DriftProbeHandler::handleRequest"));
  }

  @Test
  void controller_may_invoke_exactly_the_allowed_workers_and_nothing_invokes_star() {
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Map.of(
            "PolicyDocument",
            Map.of(
                "Statement",
                Match.arrayWith(
                    List.of(
                        Map.of(
                            "Action",
                            "lambda:InvokeFunction",
                            "Effect",
                            "Allow",
                            "Resource",
                            Map.of("Ref", "AllowedWorkerArns")))))));
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      for (JsonNode statement : policy.get("Properties").get("PolicyDocument").get("Statement")) {
        boolean invokes = statement.get("Action").toString().contains("lambda:InvokeFunction");
        assertFalse(
            invokes && statement.get("Resource").toString().equals("\"*\""),
            "lambda:InvokeFunction on *: " + statement);
      }
    }
    assertEquals(
        5 + 5, // the dedicated path's and the shared hosts' (host, enroll, deleted, stopped,
        // scaler)
        ofType("AWS::IAM::Role").stream()
            .filter(
                r ->
                    r.get("Properties")
                        .get("AssumeRolePolicyDocument")
                        .toString()
                        .contains("lambda.amazonaws.com"))
            .count(),
        "each function has a role of its own");
  }

  @Test
  void dashboard_alarms_and_outputs() {
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm", Map.of("MetricName", "ExecutionsFailed"));
    assertTrue(
        ofType("AWS::CloudWatch::Alarm").stream()
            .anyMatch(
                a ->
                    a.toString()
                        .contains("\"MetricName\":\"MissedTicks\",\"Namespace\":\"Subminute\"")),
        "an alarm on missed ticks");
    for (String output :
        List.of(
            "TableName",
            "TableArn",
            "StateMachineArn",
            "ControllerFunctionName",
            "ControllerFunctionArn",
            "StarterFunctionArn",
            "ReconcilerFunctionArn",
            "HttpPollWorkerArn",
            "DriftProbeWorkerArn")) {
      template.hasOutput(output, Match.anyValue());
    }
  }

  @Test
  void demo_job_parameter_creates_one_item_through_the_reconciler() {
    template.hasParameter("DemoJobIntervalMs", Map.of("Type", "Number", "Default", 0));
    template.hasResource(
        "AWS::CloudFormation::CustomResource",
        Map.of(
            "Condition",
            "DemoJobWanted",
            "Properties",
            Map.of(
                "DemoJobId",
                "demo-probe",
                "IntervalMs",
                Map.of("Ref", "DemoJobIntervalMs"),
                "ServiceToken",
                Match.anyValue(),
                "WorkerArn",
                Match.anyValue())));
  }

  @Test
  void cdk_nag_aws_solutions_finds_nothing_unexplained() {
    List<SynthesisMessage> errors =
        Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    List<SynthesisMessage> warnings =
        Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
    assertEquals(
        List.of(), errors.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
    assertEquals(
        List.of(), warnings.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList());
  }
}
