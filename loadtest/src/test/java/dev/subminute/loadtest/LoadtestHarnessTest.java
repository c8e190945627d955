package dev.subminute.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Short harness runs on the real embedded runtime and dynalite: the accounting must balance and
 * show no duplicate. Timing is not asserted here; the README's runs measure it.
 */
class LoadtestHarnessTest {

  static LoadtestCommand.Result run(Path out, String... args) throws Exception {
    LoadtestCommand command = new LoadtestCommand();
    new CommandLine(command).parseArgs(args);
    command.out = out;
    return command.run(new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void a_few_hundred_jobs_balance_planned_against_fired_and_missed(@TempDir Path out)
      throws Exception {
    LoadtestCommand.Result result =
        run(
            out,
            "--jobs",
            "300",
            "--interval",
            "100ms..2s",
            "--duration",
            "3s",
            "--window",
            "300s",
            "--quiet");
    Accounting.Counts c = result.counts();
    assertTrue(c.planned() > 1_000, "planned " + c.planned());
    assertTrue(c.balanced(), c.toString());
    assertEquals(0, c.duplicated());
    assertEquals(0, c.offGrid());
    assertTrue(Files.readString(out.resolve("report.html")).contains("<svg"));
    assertTrue(Files.size(out.resolve("drift.hlog")) > 0);
    assertTrue(result.json().startsWith("{\"jobs\":300"), result.json());
  }

  @Test
  void slow_and_failing_workers_and_a_mid_run_interval_change_keep_the_accounting(@TempDir Path out)
      throws Exception {
    LoadtestCommand.Result result =
        run(
            out,
            "--jobs",
            "200",
            "--interval",
            "200ms..1s",
            "--duration",
            "4s",
            "--window",
            "300s",
            "--slow-share",
            "0.1",
            "--failing-share",
            "0.1",
            "--change-intervals",
            "100ms..500ms",
            "--quiet");
    Accounting.Counts c = result.counts();
    assertTrue(c.balanced(), c.toString());
    assertEquals(0, c.duplicated());
    assertEquals(0, c.offGrid());
    assertTrue(((Number) result.summary().get("workerFailures")).longValue() > 0);
  }
}
