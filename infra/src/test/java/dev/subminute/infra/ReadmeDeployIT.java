package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's "Deploy to AWS" commands as written: the synth line runs offline with the pinned
 * aws-cdk CLI from {@code infra/} (after the build this module is part of), and {@code cdk.json}
 * names the app, so that deploy and destroy find it too.
 */
class ReadmeDeployIT {
  static final Path ROOT = SubminuteApp.repositoryRoot();

  static List<String> deployCommands() throws Exception {
    String readme = Files.readString(ROOT.resolve("README.md"));
    int section = readme.indexOf("\n## Deploy to AWS\n");
    assertTrue(section >= 0, "README has no section Deploy to AWS");
    int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
    int end = readme.indexOf("```", start);
    return readme.substring(start, end).lines().map(String::strip).toList();
  }

  @Test
  void readme_builds_at_the_root_then_runs_the_pinned_cdk_from_infra() throws Exception {
    List<String> commands = deployCommands();
    assertEquals("mvn -B package -DskipTests", commands.get(0).replaceAll("\\s+#.*", ""));
    assertEquals("cd infra", commands.get(1));
    for (String cdk : List.of("synth", "bootstrap", "deploy", "destroy")) {
      assertTrue(
          commands.stream().anyMatch(c -> c.startsWith("npx cdk " + cdk)),
          "the README runs npx cdk " + cdk + ": " + commands);
    }
  }

  @Test
  void readme_synth_command_synthesizes_the_stack_offline() throws Exception {
    String synth =
        deployCommands().stream()
            .filter(c -> c.startsWith("npx cdk synth"))
            .findFirst()
            .orElseThrow();
    Path out = ROOT.resolve("infra/target/cdk.out");
    Files.deleteIfExists(out.resolve("Subminute.template.json"));
    ProcessBuilder run =
        new ProcessBuilder("bash", "-c", synth.replaceAll("\\s+#.*", ""))
            .directory(ROOT.resolve("infra").toFile())
            .redirectErrorStream(true);
    run.environment().put("CDK_VALIDATION", "false");
    Process process = run.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(300, TimeUnit.SECONDS), "cdk synth did not finish in 300 s");
    assertEquals(0, process.exitValue(), synth + " failed:\n" + log);
    JsonNode template =
        new ObjectMapper().readTree(out.resolve("Subminute.template.json").toFile());
    assertTrue(
        template.get("Resources").toString().contains("AWS::StepFunctions::StateMachine"),
        "the synthesized stack has the controller state machine");
  }
}
