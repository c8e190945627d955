package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.SynthesisMessage;
import software.amazon.event.ruler.Machine;

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
  void executions_invoke_a_snapstart_version_of_the_controller() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Map.of(
            "Handler",
            SubminuteStack.CONTROLLER_HANDLER,
            "SnapStart",
            Map.of("ApplyOn", "PublishedVersions")));
    template.hasResourceProperties(
        "AWS::Lambda::Alias", Map.of("Name", "live", "FunctionVersion", Match.anyValue()));
    JsonNode raw =
        ofType("AWS::StepFunctions::StateMachine").get(0).get("Properties").get("DefinitionString");
    assertTrue(
        raw.toString().contains("{\"Ref\":\"ControllerLive"),
        "the controller task invokes the alias: " + raw);
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
            "FilterCriteria", Map.of("Filters", List.of(Map.of("Pattern", Match.anyValue()))),
            "FunctionName", Match.anyValue()));
  }

  /** The synthesized filter, evaluated by event-ruler, the library behind AWS event patterns. */
  static Machine streamFilter() throws Exception {
    JsonNode filters =
        ofType("AWS::Lambda::EventSourceMapping")
            .get(0)
            .get("Properties")
            .get("FilterCriteria")
            .get("Filters");
    assertEquals(1, filters.size(), filters.toString());
    Machine machine = new Machine();
    machine.addRule("starter", filters.get(0).get("Pattern").asText());
    return machine;
  }

  static boolean passes(Machine filter, String record) throws Exception {
    return !filter.rulesForJSONEvent(record).isEmpty();
  }

  @Test
  void stream_filter_passes_user_writes_of_running_jobs_and_nothing_the_system_writes()
      throws Exception {
    Machine filter = streamFilter();
    String spec =
        "\"jobId\":{\"S\":\"probe-1\"},\"workerArn\":{\"S\":\"arn:aws:lambda:us-east-1:123456789012:function:w\"},\"intervalMs\":{\"N\":\"500\"}";
    String running = spec + ",\"running\":{\"BOOL\":true}";
    String stopped = spec + ",\"running\":{\"BOOL\":false}";
    String owned =
        running
            + ",\"status\":{\"S\":\"RUNNING\"},\"owner\":{\"S\":\"probe-1-r29594186\"},\"leaseUntil\":{\"N\":\"1795651260000\"}";
    String counted = owned + ",\"ticks\":{\"N\":\"840\"},\"lastTickAt\":{\"N\":\"1795651200000\"}";
    assertTrue(passes(filter, StreamRecords.record("INSERT", running, null)), "insert");
    assertTrue(
        passes(filter, StreamRecords.record("MODIFY", running, stopped)), "user sets running");
    assertFalse(
        passes(filter, StreamRecords.record("MODIFY", stopped, running)), "user stops the job");
    assertFalse(passes(filter, StreamRecords.record("MODIFY", owned, running)), "lease write");
    assertFalse(passes(filter, StreamRecords.record("MODIFY", counted, owned)), "status write");
    assertFalse(
        passes(filter, StreamRecords.record("MODIFY", owned.replace("500", "250"), owned)),
        "user edit of a job its controller holds: the controller applies it");
    assertFalse(passes(filter, StreamRecords.record("REMOVE", null, running)), "delete");
    String enrolled =
        running
            + ",\"status\":{\"S\":\"RUNNING\"},\"taskToken\":{\"S\":\"AQB8A\"},\"shard\":{\"N\":\"17\"}";
    assertFalse(
        passes(
            filter,
            StreamRecords.record("MODIFY", enrolled + ",\"ticks\":{\"N\":\"60\"}", enrolled)),
        "a host's counts flush on a shared job");
    assertFalse(
        passes(filter, StreamRecords.record("MODIFY", enrolled.replace("500", "250"), enrolled)),
        "user edit of an enrolled job: its host applies it");
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
    assertEquals("CountFailure", window.get("Catch").get(0).get("Next").asText());
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
        "$.nextExecutionName",
        states.get("ContinueAsNew").get("Parameters").get("Name.$").asText());
    assertEquals("BackOff", states.get("MarkFailed").get("Next").asText());
    assertEquals("ControllerWindow", states.get("BackOff").get("Next").asText());
  }

  @Test
  void parked_windows_continue_as_new_too() {
    JsonNode rules = definition.get("States").get("ByAction").get("Choices");
    int continueAsNew = -1;
    int wait = -1;
    for (int i = 0; i < rules.size(); i++) {
      String next = rules.get(i).get("Next").asText();
      continueAsNew = next.equals("ContinueAsNew") ? i : continueAsNew;
      wait = next.equals("WaitForNextTick") ? i : wait;
    }
    assertEquals(
        "{\"Variable\":\"$.continueAsNew\",\"BooleanEquals\":true,\"Next\":\"ContinueAsNew\"}",
        rules.get(continueAsNew).toString(),
        "continue-as-new whatever the action");
    assertTrue(continueAsNew < wait, "checked before WAIT: " + rules);
  }

  @Test
  void continue_as_new_is_partition_neutral_retried_and_caught() {
    JsonNode raw =
        ofType("AWS::StepFunctions::StateMachine").get(0).get("Properties").get("DefinitionString");
    assertTrue(
        raw.toString().contains("{\"Ref\":\"AWS::Partition\"},\":states:::states:startExecution"),
        "the task ARN takes the partition of the region: " + raw);
    assertFalse(raw.toString().contains("arn:aws:states:::"), "no hard-coded aws partition");
    JsonNode task = definition.get("States").get("ContinueAsNew");
    assertEquals(
        "[\"StepFunctions.ExecutionAlreadyExistsException\"]",
        task.get("Retry").get(0).get("ErrorEquals").toString());
    assertEquals(0, task.get("Retry").get(0).get("MaxAttempts").asInt());
    assertEquals("[\"States.ALL\"]", task.get("Retry").get(1).get("ErrorEquals").toString());
    assertTrue(task.get("Retry").get(1).get("MaxAttempts").asInt() >= 5);
    assertEquals("ContinuedAsNew", task.get("Catch").get(0).get("Next").asText());
    assertEquals("CountFailure", task.get("Catch").get(1).get("Next").asText());
  }

  @Test
  void a_failure_is_marked_only_by_an_owner_and_only_so_often_in_a_row() {
    JsonNode states = definition.get("States");
    assertEquals(
        "CountFailure", states.get("ControllerWindow").get("Catch").get(0).get("Next").asText());
    String guard = states.get("CountFailure").get("Choices").get(0).toString();
    for (String path : List.of("$.jobId", "$.owner", "$.error.Error")) {
      assertTrue(guard.contains("\"Variable\":\"" + path + "\",\"IsPresent\":false"), guard);
    }
    assertEquals("Fail", states.get("ControllerFailed").get("Type").asText());
    assertEquals(
        "UnknownAction",
        states.get("ByAction").get("Default").asText(),
        "an unknown action carries an error into CountFailure");
    assertEquals("CountFailure", states.get("UnknownAction").get("Next").asText());
    assertEquals("$.error", states.get("UnknownAction").get("ResultPath").asText());
    assertEquals(
        "attribute_exists(jobId) AND (attribute_not_exists(#owner) OR #owner = :owner)",
        states.get("MarkFailed").get("Parameters").get("ConditionExpression").asText());
    String giveUp = states.get("GiveUp").get("Choices").get(0).toString();
    assertTrue(
        giveUp.contains("\"NumericGreaterThanEquals\":" + SubminuteStack.MAX_CONSECUTIVE_FAILURES),
        giveUp);
    assertEquals("GaveUp", states.get("GiveUp").get("Choices").get(0).get("Next").asText());
    assertEquals("Fail", states.get("GaveUp").get("Type").asText());
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
    boolean found = false;
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      for (JsonNode statement : policy.get("Properties").get("PolicyDocument").get("Statement")) {
        if (statement.get("Action").toString().equals("\"lambda:InvokeFunction\"")
            && statement.get("Resource").has("Fn::Split")) {
          String resource = statement.get("Resource").toString();
          for (String part :
              List.of(
                  "\"OwnWorkersAllowed\"",
                  "\"HttpPollWorker",
                  "\"DriftProbeWorker",
                  "{\"Ref\":\"AllowedWorkerArns\"}")) {
            assertTrue(resource.contains(part), part + " in " + resource);
          }
          found = true;
        }
      }
    }
    assertTrue(found, "the controller invokes the example workers and the allowed ones");
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
    template.hasParameter("DemoJobIntervalMs", Map.of("Type", "String", "Default", "0"));
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

  /** The actions each function's role allows, by the function's handler. */
  static Set<String> actionsOf(String handler) {
    JsonNode function =
        ofType("AWS::Lambda::Function").stream()
            .filter(f -> f.get("Properties").get("Handler").asText().equals(handler))
            .findFirst()
            .orElseThrow();
    String role = function.get("Properties").get("Role").get("Fn::GetAtt").get(0).asText();
    Set<String> actions = new TreeSet<>();
    for (JsonNode policy : ofType("AWS::IAM::Policy")) {
      if (!policy.get("Properties").get("Roles").toString().contains("\"" + role + "\"")) {
        continue;
      }
      for (JsonNode statement : policy.get("Properties").get("PolicyDocument").get("Statement")) {
        JsonNode action = statement.get("Action");
        if (action.isArray()) {
          action.forEach(a -> actions.add(a.asText()));
        } else {
          actions.add(action.asText());
        }
      }
    }
    return actions;
  }

  static final Set<String> EXECUTIONS =
      Set.of(
          "states:StartExecution",
          "states:ListExecutions",
          "states:DescribeExecution",
          "states:StopExecution");

  static Set<String> union(Set<String> a, String... b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(List.of(b));
    return all;
  }

  @Test
  void each_role_allows_exactly_the_calls_its_code_makes() {
    assertEquals(
        union(
            EXECUTIONS,
            "dynamodb:GetItem",
            "dynamodb:UpdateItem",
            "dynamodb:Scan",
            "lambda:InvokeFunction"),
        actionsOf(SubminuteStack.CONTROLLER_HANDLER));
    assertEquals(
        union(
            Set.of(),
            "dynamodb:UpdateItem",
            "states:StartExecution",
            "dynamodb:DescribeStream",
            "dynamodb:GetRecords",
            "dynamodb:GetShardIterator",
            "dynamodb:ListStreams",
            "sqs:SendMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl"),
        actionsOf(SubminuteStack.STARTER_HANDLER));
    assertEquals(
        union(
            EXECUTIONS,
            "dynamodb:Scan",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem"),
        actionsOf(SubminuteStack.RECONCILER_HANDLER));
    assertEquals(
        Set.of("lambda:InvokeFunction"),
        actionsOf("dev.subminute.worker.lambda.DriftProbeHandler::handleRequest"),
        "a worker only hands its failed events to the reconciler");
  }

  @Test
  void allowed_worker_arns_refuse_a_wildcard_account() {
    Pattern allowed = Pattern.compile(SubminuteStack.ALLOWED_WORKER_PATTERN);
    for (String ok :
        List.of(
            "",
            "arn:aws:lambda:*:123456789012:function:billing-*",
            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:tick:live")) {
      assertTrue(allowed.matcher(ok).matches(), ok);
    }
    for (String refused :
        List.of(
            "arn:aws:lambda:*:*:function:*",
            "arn:aws:lambda:us-east-1:1234*:function:x",
            "*",
            "billing")) {
      assertFalse(allowed.matcher(refused).matches(), refused);
    }
    template.hasParameter(
        "AllowedWorkerArns",
        Map.of("AllowedPattern", SubminuteStack.ALLOWED_WORKER_PATTERN, "Default", ""));
  }

  @Test
  void demo_interval_is_0_or_a_valid_interval() {
    Pattern allowed = Pattern.compile(SubminuteStack.DEMO_INTERVAL_PATTERN);
    for (String ok : List.of("0", "100", "999", "1000", "59999999", "86399999", "86400000")) {
      assertTrue(allowed.matcher(ok).matches(), ok);
    }
    for (String refused : List.of("1", "99", "086", "-100", "86400001", "90000000", "1e3")) {
      assertFalse(allowed.matcher(refused).matches(), refused);
    }
    template.hasParameter(
        "DemoJobIntervalMs", Map.of("AllowedPattern", SubminuteStack.DEMO_INTERVAL_PATTERN));
  }

  @Test
  void workers_are_not_retried_events_expire_after_a_minute_and_failures_are_counted() {
    List<JsonNode> configs = ofType("AWS::Lambda::EventInvokeConfig");
    assertEquals(2, configs.size(), "one per example worker");
    for (JsonNode config : configs) {
      JsonNode p = config.get("Properties");
      assertEquals(0, p.get("MaximumRetryAttempts").asInt());
      assertEquals(60, p.get("MaximumEventAgeInSeconds").asInt());
      assertTrue(
          p.get("DestinationConfig")
              .get("OnFailure")
              .get("Destination")
              .toString()
              .contains("\"Reconciler"),
          p.toString());
    }
  }

  @Test
  void every_alarm_notifies_the_alarm_topic_and_an_email_can_subscribe() {
    List<JsonNode> alarms = ofType("AWS::CloudWatch::Alarm");
    assertEquals(3, alarms.size());
    for (JsonNode alarm : alarms) {
      assertTrue(
          alarm.get("Properties").get("AlarmActions").toString().contains("{\"Ref\":\"Alarms"),
          alarm.toString());
    }
    template.hasParameter("AlarmEmail", Map.of("Type", "String", "Default", ""));
    template.hasResource(
        "AWS::SNS::Subscription",
        Map.of(
            "Condition",
            "AlarmEmailGiven",
            "Properties",
            Map.of("Protocol", "email", "Endpoint", Map.of("Ref", "AlarmEmail"))));
  }

  @Test
  void nag_findings_are_suppressed_on_their_resources_only() {
    assertTrue(
        stack.getNode().getMetadata().stream().noneMatch(m -> m.getType().equals("cdk_nag")),
        "no stack-wide suppression");
    for (String rule : List.of("AwsSolutions-IAM5", "AwsSolutions-SQS3", "AwsSolutions-SNS2")) {
      List<String> types = new ArrayList<>();
      resources.forEach(
          r -> {
            JsonNode nag = r.path("Metadata").path("cdk_nag").path("rules_to_suppress");
            if (nag.toString().contains("\"" + rule + "\"")) {
              types.add(r.get("Type").asText());
            }
          });
      assertFalse(types.isEmpty(), rule + " is suppressed somewhere");
      assertFalse(types.contains("AWS::DynamoDB::Table"), rule + " on the table: " + types);
      assertFalse(types.contains("AWS::Lambda::Function"), rule + " on a function: " + types);
    }
  }
}
