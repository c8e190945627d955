package dev.subminute.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error a user can cause in {@code local} and {@code jobs}, through the command's entry
 * point: one line on standard error that says what to do, a non-zero exit code, nothing on standard
 * output and no stack trace unless {@code --verbose}.
 */
class CommandLineErrorsTest {
  private final JobTable table = SharedDynalite.newTable("cli");
  private final String endpoint = SharedDynalite.server().endpoint().toString();

  @Test
  void bad_jobs_input_is_one_line_with_a_non_zero_exit() {
    assertEquals(0, run("jobs", "put", "taken", "--worker", "log", "--interval", "1000").code);

    assertError(
        2,
        "subminute: workerArn \"nope\" is not a worker of the embedded runtime; use one of"
            + " http-poll, drift-probe, log (with --aws, any Lambda function name or ARN)",
        "jobs",
        "put",
        "x",
        "--worker",
        "nope",
        "--interval",
        "1000");
    assertError(
        2,
        "subminute: payload must be a JSON object such as '{\"url\":\"http://127.0.0.1:8080/\"}';"
            + " it is a list",
        "jobs",
        "put",
        "x",
        "--worker",
        "log",
        "--interval",
        "1000",
        "--payload",
        "[1,2]");
    assertError(
        2,
        "subminute: profile must be a JSON list of rules such as"
            + " '[{\"days\":\"MON-FRI\",\"from\":\"08:00\",\"to\":\"20:00\",\"intervalMs\":1000}]';"
            + " it is not JSON",
        "jobs",
        "put",
        "x",
        "--worker",
        "log",
        "--interval",
        "1000",
        "--profile",
        "not json");
    assertError(
        2,
        "subminute: intervalMs 5 is out of range; write a number (N) of milliseconds from 100 to"
            + " 86400000, such as {\"N\": \"1000\"}.",
        "jobs",
        "put",
        "x",
        "--worker",
        "log",
        "--interval",
        "5");
    assertError(
        2,
        "subminute: job taken exists already; change it (jobs set) or delete it first",
        "jobs",
        "put",
        "taken",
        "--worker",
        "log",
        "--interval",
        "1000");
    assertError(
        2,
        "subminute: Missing required option: '--interval=<intervalMs>' (see `subminute jobs put"
            + " --help`)",
        "jobs",
        "put",
        "x",
        "--worker",
        "log");
    assertError(
        2,
        "subminute: Invalid value for option '--interval': 'soon' is not a long (see `subminute"
            + " jobs put --help`)",
        "jobs",
        "put",
        "x",
        "--worker",
        "log",
        "--interval",
        "soon");
    assertError(
        2,
        "subminute: job id \"\" must be 1 to 64 characters of A-Z a-z 0-9 _ -",
        "jobs",
        "get",
        "");
    assertError(
        1,
        "subminute: no job ghost in table " + table.name() + " at " + endpoint,
        "jobs",
        "get",
        "ghost");
    assertError(2, "subminute: limit 0 must be 1 or more", "jobs", "list", "--limit", "0");
    assertError(
        2,
        "subminute: invokeErrors is not yours to set: jobId is the key, version and the status"
            + " attributes belong to the system; set one of workerArn, intervalMs, running,"
            + " payload, offsetMs, profile, timezone, misfire, placement",
        "jobs",
        "set",
        "taken",
        "invokeErrors=999");
    assertError(
        2,
        "subminute: \"fast\" is not attr=value; write e.g. intervalMs=500 (see `subminute jobs"
            + " set --help`)",
        "jobs",
        "set",
        "taken",
        "fast");
    assertError(
        2,
        "subminute: workerArn \"nope\" is not a worker of the embedded runtime; use one of"
            + " http-poll, drift-probe, log (with --aws, any Lambda function name or ARN)",
        "jobs",
        "set",
        "taken",
        "workerArn=nope");
    assertError(
        1,
        "subminute: no job ghost in table "
            + table.name()
            + " at "
            + endpoint
            + ";"
            + " create it with put",
        "jobs",
        "pause",
        "ghost");
  }

  @Test
  void a_bad_or_unreachable_endpoint_and_a_missing_table_are_one_line() {
    assertError(
        2,
        "subminute: endpoint notaurl is not an http(s) URL; write one such as"
            + " http://127.0.0.1:4567",
        "jobs",
        "get",
        "x",
        "--endpoint",
        "notaurl");
    Result unreachable = run("jobs", "get", "x", "--endpoint", "http://127.0.0.1:1");
    assertEquals(3, unreachable.code);
    assertOneLine(unreachable);
    assertTrue(
        unreachable.err.startsWith(
            "subminute: cannot reach DynamoDB for table subminute-jobs at http://127.0.0.1:1 ("),
        unreachable.err);
    assertTrue(
        unreachable.err.endsWith(
            "; is `subminute local` running? Otherwise pass --endpoint URL or --aws\n"),
        unreachable.err);
    Result noTable = runOn("no-such-table", "jobs", "list");
    assertEquals(3, noTable.code);
    assertEquals(
        "subminute: there is no table no-such-table at "
            + endpoint
            + "; start `subminute local` or name another table; is `subminute local` running?"
            + " Otherwise pass --endpoint URL or --aws\n",
        noTable.err);
  }

  @Test
  void bad_local_options_are_one_line_and_start_nothing(@TempDir Path dir) throws IOException {
    assertError(
        2,
        "subminute: port 70000 is out of range; choose one from 1 to 65535",
        "local",
        "--port",
        "70000");
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertError(
        2,
        "subminute: data directory "
            + file
            + " is a file; name a directory (it is created if"
            + " missing)",
        "local",
        "--port",
        "0",
        "--data-dir",
        file.toString());
    assertError(
        2,
        "subminute: --window-ms 0 is out of range; give 1000 to 840000 (a host window of 1 s"
            + " to 14 min)",
        "local",
        "--window-ms",
        "0");
    assertError(
        2,
        "subminute: --duration 0 must be 1 second or more (or left out: until Ctrl-C)",
        "local",
        "--duration",
        "0");
    assertError(
        2,
        "subminute: --data-dir applies to the dynalite that subminute starts; drop it, or drop"
            + " --endpoint",
        "local",
        "--endpoint",
        endpoint,
        "--data-dir",
        dir.toString());
    assertError(
        2,
        "subminute: endpoint notaurl is not an http(s) URL; write one such as"
            + " http://127.0.0.1:4567",
        "local",
        "--endpoint",
        "notaurl");
    Result unreachable = run("local", "--endpoint", "http://127.0.0.1:1");
    assertEquals(3, unreachable.code);
    assertOneLine(unreachable);
    assertTrue(
        unreachable.err.startsWith("subminute: cannot reach DynamoDB at http://127.0.0.1:1 ("),
        unreachable.err);
    try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertError(
          1,
          "subminute: port "
              + other.getLocalPort()
              + " on 127.0.0.1 is in use by another process; stop it or choose another port",
          "local",
          "--port",
          Integer.toString(other.getLocalPort()));
    }
  }

  @Test
  void verbose_adds_the_stack_trace() {
    Result quiet = run("jobs", "list", "--limit", "0");
    Result verbose = run("jobs", "list", "--limit", "0", "--verbose");
    assertEquals(2, verbose.code);
    assertTrue(verbose.err.startsWith(quiet.err), verbose.err);
    assertTrue(verbose.err.contains("\tat dev.subminute."), verbose.err);
  }

  @Test
  void the_jobs_commands_write_read_and_change_a_job() {
    Result put =
        run(
            "jobs",
            "put",
            "p1",
            "--worker",
            "drift-probe",
            "--interval",
            "250",
            "--payload",
            "{\"k\":1}",
            "--profile",
            "[{\"days\":\"DAILY\",\"from\":\"00:00\",\"to\":\"24:00\",\"intervalMs\":500}]");
    assertEquals("put p1: ticks every 250 ms\n", put.out);
    assertEquals(
        "set intervalMs=1000 offsetMs=10 on p1\n",
        run("jobs", "set", "p1", "intervalMs=1000", "offsetMs=10").out);
    assertEquals("paused p1\n", run("jobs", "pause", "p1").out);
    Result get = run("jobs", "get", "p1");
    assertEquals(0, get.code);
    assertTrue(get.out.contains("\"intervalMs\" : 1000"), get.out);
    assertTrue(get.out.contains("\"running\" : false"), get.out);
    assertTrue(get.out.contains("\"version\" : 3"), get.out);
    assertEquals("resumed p1\n", run("jobs", "resume", "p1").out);
    List<String> lines = run("jobs", "list").out.lines().toList();
    assertEquals(2, lines.size(), lines.toString());
    assertTrue(lines.get(1).matches("p1 +drift-probe +1000 +true +- +0 +0 +0\\.000"), lines.get(1));
    assertEquals("deleted p1\n", run("jobs", "delete", "p1").out);
    assertEquals(1, run("jobs", "get", "p1").code);
  }

  private void assertError(int code, String line, String... args) {
    Result result = run(args);
    assertEquals(code, result.code, result.toString());
    assertOneLine(result);
    assertEquals(line + "\n", result.err);
  }

  private static void assertOneLine(Result result) {
    assertEquals("", result.out, result.toString());
    assertEquals(1, result.err.lines().count(), result.toString());
    assertFalse(result.err.contains("\tat "), result.toString());
  }

  private Result run(String... args) {
    return runOn(table.name(), args);
  }

  /** Runs the command as its main does, on the test table unless the arguments name one. */
  private Result runOn(String tableName, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (args[0].equals("jobs") && !all.contains("--endpoint")) {
      all.addAll(List.of("--endpoint", endpoint, "--table", tableName));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        SubminuteCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}
}
