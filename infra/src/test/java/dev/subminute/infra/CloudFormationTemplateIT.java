package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.controller.testing.PythonTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The template kept in the repository: current with the CDK app, and clean under cfn-lint. */
class CloudFormationTemplateIT {
  static Path committed;
  static String generated;

  @BeforeAll
  static void generate() throws Exception {
    committed = SubminuteApp.repositoryRoot().resolve("infra").resolve(TemplateWriter.FILE);
    generated = TemplateWriter.standaloneYaml();
  }

  @Test
  void committed_template_is_current() throws Exception {
    String kept = Files.exists(committed) ? Files.readString(committed) : "(missing)";
    assertEquals(
        generated,
        kept,
        "infra/"
            + TemplateWriter.FILE
            + " is stale: regenerate it with "
            + "`java -cp \"target/classes:$(cat target/cdk-classpath.txt)\" dev.subminute.infra.TemplateWriter` in infra/ and commit it");
  }

  @Test
  void cfn_lint_finds_nothing() throws Exception {
    Path file = Files.createTempFile("subminute-", ".template.yaml");
    Files.writeString(file, generated);
    // W3005: the CDK adds a DependsOn on each function's role that its GetAtt already implies
    Process lint =
        new ProcessBuilder(
                PythonTools.command("cfn-lint", "--ignore-checks", "W3005", "--", file.toString()))
            .redirectErrorStream(true)
            .start();
    String out = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!lint.waitFor(120, TimeUnit.SECONDS)) {
      lint.destroyForcibly();
      throw new AssertionError("cfn-lint did not finish in 120 s");
    }
    assertEquals(0, lint.exitValue(), "cfn-lint reported:\n" + out);
  }
}
