package dev.subminute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.local.cli.JobsCommand;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code jobs} call is mostly start-up, and start-up is mostly class loading and static
 * initialisation: what keeps each call under a second (see the README for the figures) is that it
 * loads the DynamoDB client and none of what the other commands or the runtime need. Each call runs
 * in a JVM of its own, as the {@code subminute} command runs it, and these tests read the classes
 * it loaded.
 */
class JobsCommandStartupTest {
  /** Prefixes of classes a jobs call never needs, each with the reason. */
  private static final List<String> NOT_FOR_JOBS =
      List.of(
          "dev.subminute.loadtest.", // loadtest, soak and bench are not built for jobs
          "dev.subminute.local.cli.LocalCommand", // nor is local
          "dev.subminute.local.LocalRuntime",
          "software.amazon.awssdk.enhanced.dynamodb.mapper.", // the enhanced client's mapper: raw
          // items only
          "software.amazon.awssdk.http.apache.", // the pooled client of long-lived processes
          "org.apache.http.",
          "javax.net.ssl.TrustManagerFactory", // no trust store for a plain-HTTP endpoint
          "com.fasterxml.jackson.databind."); // get indents by streaming

  private final JobTable table = SharedDynalite.newTable("startup");
  private final String endpoint = SharedDynalite.server().endpoint().toString();

  @TempDir Path logs;

  @Test
  void each_jobs_call_loads_the_dynamodb_client_and_nothing_the_other_commands_need()
      throws Exception {
    Map<List<String>, String> calls = new LinkedHashMap<>(); // each with the class that runs it
    calls.put(
        List.of("put", "s1", "--worker", "log", "--interval", "1000", "--payload", "{\"a\":1}"),
        "Put");
    calls.put(List.of("get", "s1"), "Get");
    calls.put(List.of("list"), "ListJobs");
    calls.put(List.of("pause", "s1"), "Pause");
    calls.put(List.of("set", "s1", "intervalMs=500"), "SetAttributes");
    calls.put(List.of("delete", "s1"), "Delete");
    for (var entry : calls.entrySet()) {
      List<String> call = entry.getKey();
      Call result = jobs(call);
      assertEquals(0, result.code, result.toString());
      assertTrue(
          result.classes.contains("software.amazon.awssdk.services.dynamodb.DynamoDbClient")
              && result.classes.contains(
                  "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient"),
          "the call did not load the DynamoDB client on the URL connection: " + result);
      List<String> notForJobs =
          result.classes.stream()
              .filter(c -> NOT_FOR_JOBS.stream().anyMatch(c::startsWith))
              .toList();
      assertEquals(List.of(), notForJobs, "jobs " + call);
      List<String> jobsSubcommands =
          result.classes.stream()
              .filter(c -> c.startsWith(JobsCommand.class.getName() + "$"))
              .filter(c -> !c.contains("$$Lambda") && !c.endsWith("$TableCommand"))
              .toList();
      assertEquals(
          List.of(JobsCommand.class.getName() + "$" + entry.getValue()),
          jobsSubcommands,
          "jobs " + call + " built other jobs subcommands");
    }
  }

  @Test
  void the_arguments_build_the_subcommands_they_name_and_all_of_a_level_for_help_or_a_typo() {
    assertEquals(
        List.of("jobs"),
        List.copyOf(
            Main.commandLine(new String[] {"--verbose", "jobs", "list"})
                .getSubcommands()
                .keySet()));
    assertEquals(
        List.of("list"),
        List.copyOf(
            Main.commandLine(new String[] {"--verbose", "jobs", "list", "--limit", "5"})
                .getSubcommands()
                .get("jobs")
                .getSubcommands()
                .keySet()));
    List<String> all = List.of("local", "jobs", "loadtest", "soak", "bench");
    for (String[] args : new String[][] {{}, {"--help"}, {"jbos", "list"}}) {
      assertEquals(all, List.copyOf(Main.commandLine(args).getSubcommands().keySet()));
    }
    List<String> allOfJobs = List.of("put", "get", "list", "pause", "resume", "set", "delete");
    for (String[] args : new String[][] {{"jobs"}, {"jobs", "--help"}, {"jobs", "lsit"}}) {
      assertEquals(
          allOfJobs,
          List.copyOf(
              Main.commandLine(args).getSubcommands().get("jobs").getSubcommands().keySet()));
    }
  }

  /** Runs {@code subminute jobs <args>} on the test table in a new JVM, logging loaded classes. */
  private Call jobs(List<String> args) throws IOException, InterruptedException {
    Path log = logs.resolve("classes-" + args.get(0) + ".log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-Xlog:class+load:file=" + log + ":none",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "jobs"));
    command.addAll(args);
    command.addAll(List.of("--endpoint", endpoint, "--table", table.name()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "jobs " + args + " did not end: " + output);
    assertTrue(Files.exists(log), "jobs " + args + " wrote no class log: " + output);
    List<String> classes =
        Files.readAllLines(log).stream().map(line -> line.split(" ", 2)[0]).toList();
    return new Call(process.exitValue(), output, classes);
  }

  private record Call(int code, String output, List<String> classes) {
    @Override
    public String toString() {
      return "exit " + code + ", " + classes.size() + " classes loaded, output: " + output;
    }
  }
}
