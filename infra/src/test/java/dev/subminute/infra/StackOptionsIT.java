package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack under a 100-character name with the workers' de-duplication table, and the standalone
 * template's code parameters: what a first deploy from the console or with a long name meets.
 */
class StackOptionsIT {
  static final String LONG_NAME = "S" + "x".repeat(99);
  static final String STACK_ID =
      "arn:aws:cloudformation:us-east-1:123456789012:stack/"
          + LONG_NAME
          + "/51af3dc0-da77-11e4-872e-1234567db123";

  static JsonNode resources;
  static Template template;

  @BeforeAll
  static void synthesize() {
    App app =
        new App(
            AppProps.builder()
                .context(
                    Map.of(
                        "subminute:stackName",
                        LONG_NAME,
                        SubminuteStack.DEDUPE_TABLE_CONTEXT,
                        "true"))
                .build());
    template =
        Template.fromStack(
            SubminuteApp.build(
                app, SubminuteApp.codeFromBuild(SubminuteApp.repositoryRoot()), null));
    resources = new ObjectMapper().valueToTree(template.toJSON()).get("Resources");
  }

  /** What CloudFormation makes of a value with the intrinsics names use. */
  static String evaluate(JsonNode value) {
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.has("Ref")) {
      return switch (value.get("Ref").asText()) {
        case "AWS::StackName" -> LONG_NAME;
        case "AWS::StackId" -> STACK_ID;
        case "AWS::Region" -> "us-east-1";
        case "AWS::AccountId" -> "123456789012";
        case "AWS::Partition" -> "aws";
        default -> throw new AssertionError("a name made from " + value);
      };
    }
    if (value.has("Fn::Join")) {
      List<String> parts = new ArrayList<>();
      value.get("Fn::Join").get(1).forEach(p -> parts.add(evaluate(p)));
      return String.join(value.get("Fn::Join").get(0).asText(), parts);
    }
    if (value.has("Fn::Select")) {
      JsonNode select = value.get("Fn::Select");
      JsonNode split = select.get(1).get("Fn::Split");
      String[] pieces =
          evaluate(split.get(1)).split(java.util.regex.Pattern.quote(split.get(0).asText()), -1);
      return pieces[select.get(0).asInt()];
    }
    throw new AssertionError("cannot evaluate " + value);
  }

  static List<String> names(String type, String property) {
    List<String> names = new ArrayList<>();
    resources.forEach(
        r -> {
          if (r.get("Type").asText().equals(type) && r.get("Properties").has(property)) {
            names.add(evaluate(r.get("Properties").get(property)));
          }
        });
    return names;
  }

  @Test
  void names_stay_within_their_limits_under_a_100_character_stack_name() {
    List<String> functions = names("AWS::Lambda::Function", "FunctionName");
    assertEquals(2, functions.size(), "the example workers are named");
    functions.forEach(n -> assertTrue(n.length() <= 64, n + ": " + n.length()));
    assertTrue(functions.contains("subminute-worker-drift-probe-51af3dc0"), functions.toString());
    names("AWS::StepFunctions::StateMachine", "StateMachineName")
        .forEach(n -> assertTrue(n.length() <= 80, n + ": " + n.length()));
    names("AWS::CloudWatch::Dashboard", "DashboardName")
        .forEach(n -> assertTrue(n.length() <= 255, n + ": " + n.length()));
  }

  @Test
  void the_dedupe_table_expires_its_keys_and_the_workers_may_only_put() {
    template.hasResourceProperties(
        "AWS::DynamoDB::Table",
        Map.of(
            "KeySchema", List.of(Map.of("AttributeName", "key", "KeyType", "HASH")),
            "AttributeDefinitions", List.of(Map.of("AttributeName", "key", "AttributeType", "S")),
            "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true)));
    int workers = 0;
    for (JsonNode r : resources) {
      JsonNode handler = r.path("Properties").path("Handler");
      if (handler.asText().startsWith("dev.subminute.worker.")) {
        workers++;
        assertTrue(
            r.get("Properties")
                .get("Environment")
                .get("Variables")
                .get("SUBMINUTE_DEDUPE_TABLE")
                .toString()
                .contains("WorkerDedupe"),
            r.toString());
      }
    }
    assertEquals(2, workers);
    boolean putGranted = false;
    for (JsonNode r : resources) {
      if (r.get("Type").asText().equals("AWS::IAM::Policy")) {
        for (JsonNode statement : r.get("Properties").get("PolicyDocument").get("Statement")) {
          if (statement.get("Resource").toString().contains("WorkerDedupe")) {
            assertEquals("\"dynamodb:PutItem\"", statement.get("Action").toString());
            putGranted = true;
          }
        }
      }
    }
    assertTrue(putGranted, "the workers may put into the dedupe table");
  }

  @Test
  void the_console_template_defaults_to_the_file_names_the_build_makes() throws Exception {
    JsonNode standalone =
        new ObjectMapper()
            .valueToTree(Template.fromStack(SubminuteApp.standalone(new App())).toJSON());
    JsonNode parameters = standalone.get("Parameters");
    boolean versioned = false;
    for (JsonNode r : standalone.get("Resources")) {
      if (r.get("Type").asText().equals("AWS::Lambda::Version")) {
        assertTrue(
            r.get("Properties").get("Description").toString().contains("ControllerCodeKey"),
            "new code under a new key publishes a new SnapStart version: " + r);
        versioned = true;
      }
    }
    assertTrue(versioned, "the controller is invoked through a published version");
    for (var key :
        List.of(
            Map.entry("ControllerCodeKey", "controller/target"),
            Map.entry("WorkerCodeKey", "worker/target"))) {
      String jar = parameters.get(key.getKey()).get("Default").asText();
      assertTrue(
          Files.isRegularFile(SubminuteApp.repositoryRoot().resolve(key.getValue()).resolve(jar)),
          key.getKey() + " defaults to " + jar + ", which the build does not make");
    }
  }
}
