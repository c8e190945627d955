package dev.subminute.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.model.WorkerEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Short harness runs on the real embedded runtime and dynalite: the counts come from the receipts,
 * the dispatches and the plan's grid apart, so a rigged runtime that loses and repeats ticks must
 * show both. Timing is not asserted here; the benchmarks measure it.
 */
class LoadtestHarnessTest {

  static LoadtestCommand command(Path out, String... args) {
    LoadtestCommand command = new LoadtestCommand();
    new CommandLine(command).parseArgs(args);
    command.out = out;
    return command;
  }

  static LoadtestCommand.Result run(LoadtestCommand command) throws Exception {
    return command.run(new PrintStream(new ByteArrayOutputStream()));
  }

  static long number(LoadtestCommand.Result result, String key) {
    return ((Number) result.summary().get(key)).longValue();
  }

  @Test
  void a_normal_run_fires_every_planned_tick_once(@TempDir Path out) throws Exception {
    LoadtestCommand.Result result =
        run(
            command(
                out,
                "--jobs",
                "100",
                "--interval",
                "100ms..2s",
                "--duration",
                "4s",
                "--window",
                "300s",
                "--exclude-startup",
                "--quiet"));
    Accounting.Counts c = result.counts();
    assertTrue(c.planned() > 300, "planned " + c.planned());
    assertTrue(c.fired() > 0, "fired " + c.fired());
    assertEquals(0, c.missed(), c.toString());
    assertEquals(c.planned(), c.fired(), c.toString());
    assertEquals(0, c.duplicated(), c.toString());
    assertEquals(0, c.offGrid(), c.toString());
    assertEquals(c.fired(), c.dispatched(), c.toString());
    assertEquals(0, c.lostInDispatch(), c.toString());
    assertEquals(0, number(result, "unknownReceipts"));
    assertEquals("from every job running", result.summary().get("measured"));
    assertTrue(
        result.summary().get("excluded").toString().contains("start-up"),
        result.summary().get("excluded").toString());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("Arrival drift over time") && html.contains("<svg"));
    assertTrue(Files.readString(out.resolve("drift.hlog")).contains("Tag=arrival,"));
    assertTrue(result.json().startsWith("{\"jobs\":100"), result.json());
    assertTrue(
        LoadtestCommand.headline(result.summary()).contains("lost in dispatch 0"),
        LoadtestCommand.headline(result.summary()));
  }

  @Test
  void across_host_handovers_no_planned_tick_goes_unfired_and_uncounted(@TempDir Path out)
      throws Exception {
    LoadtestCommand.Result result =
        run(
            command(
                out,
                "--jobs",
                "100",
                "--interval",
                "100ms..2s",
                "--duration",
                "6s",
                "--window",
                "2s",
                "--exclude-startup",
                "--quiet"));
    Accounting.Counts c = result.counts();
    assertTrue(number(result, "hostHandovers") >= 2, result.summary().toString());
    assertTrue(c.fired() > 0, c.toString());
    // a tick the controller skips (late on a busy machine) it counts as missed; any other missing
    // tick was lost without a word
    assertEquals(
        number(result, "missedByController"),
        c.missed(),
        "planned ticks neither fired nor counted missed by the controller: " + c);
    assertEquals(0, c.duplicated(), c.toString());
    assertEquals(0, c.offGrid(), c.toString());
    assertEquals(0, c.lostInDispatch(), c.toString());
  }

  @Test
  void http_poll_jobs_are_counted_from_what_the_http_server_received(@TempDir Path out)
      throws Exception {
    LoadtestCommand.Result result =
        run(
            command(
                out,
                "--jobs",
                "50",
                "--interval",
                "200ms..1s",
                "--duration",
                "3s",
                "--window",
                "300s",
                "--receiver",
                "http-poll",
                "--exclude-startup",
                "--quiet"));
    Accounting.Counts c = result.counts();
    // what this shows is the receipt path: every dispatched tick reached the HTTP server once
    // (missed ticks, a timing matter on a busy machine, are the normal run's to assert)
    assertTrue(c.fired() > 100, c.toString());
    assertEquals(c.dispatched(), c.fired(), c.toString());
    assertEquals(0, c.duplicated(), c.toString());
    assertEquals(0, c.offGrid(), c.toString());
    assertEquals(0, c.lostInDispatch(), c.toString());
    assertEquals(50, number(result, "countedJobs"));
    assertTrue(result.summary().get("receiver").toString().startsWith("loopback HTTP server"));
  }

  @Test
  void an_unknown_receiver_says_which_ones_exist(@TempDir Path out) {
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> run(command(out, "--receiver", "carrier-pigeon", "--quiet")));
    assertTrue(e.getMessage().contains("in-process or http-poll"), e.getMessage());
  }

  /** Drops 1 % of dispatches and delivers 0.5 % twice, chosen by (jobId, plannedAt). */
  static final class RiggedInvoker implements WorkerInvoker {
    final WorkerInvoker real;
    final Set<WorkerEvent> dropped = ConcurrentHashMap.newKeySet();
    final Set<WorkerEvent> doubled = ConcurrentHashMap.newKeySet();

    RiggedInvoker(WorkerInvoker real) {
      this.real = real;
    }

    @Override
    public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
      int draw =
          new SplittableRandom(event.jobId().hashCode() * 31L + event.plannedAt()).nextInt(1_000);
      if (draw < 10) {
        dropped.add(event);
        return CompletableFuture.completedFuture(null); // accepted, never delivered
      }
      if (draw < 15) {
        doubled.add(event);
        real.invoke(workerArn, event);
      }
      return real.invoke(workerArn, event);
    }

    long droppedWithin(long from, long to) {
      return dropped.stream().filter(e -> e.plannedAt() >= from && e.plannedAt() < to).count();
    }

    long doubledWithin(long from, long to) {
      return doubled.stream().filter(e -> e.plannedAt() >= from && e.plannedAt() < to).count();
    }
  }

  @Test
  void a_runtime_rigged_to_lose_and_repeat_ticks_shows_both(@TempDir Path out) throws Exception {
    LoadtestCommand command =
        command(
            out,
            "--jobs",
            "300",
            "--interval",
            "100ms..1s",
            "--duration",
            "5s",
            "--window",
            "300s",
            "--exclude-startup",
            "--quiet");
    Set<RiggedInvoker> rigs = ConcurrentHashMap.newKeySet();
    command.invokerRig =
        real -> {
          RiggedInvoker rig = new RiggedInvoker(real);
          rigs.add(rig);
          return rig;
        };
    LoadtestCommand.Result result = run(command);
    RiggedInvoker rig = rigs.iterator().next();
    long from = number(result, "measuredFromEpochMs");
    long to = number(result, "measuredToEpochMs");
    Accounting.Counts c = result.counts();
    assertTrue(c.dispatched() > 2_000, c.toString());
    long lost = rig.droppedWithin(from, to);
    long repeated = rig.doubledWithin(from, to);
    assertTrue(lost > c.dispatched() / 200 && lost < c.dispatched() * 3 / 200, "dropped " + lost);
    assertTrue(repeated > 0 && repeated < c.dispatched() / 100, "doubled " + repeated);
    assertEquals(lost, c.lostInDispatch(), c.toString());
    assertEquals(repeated, c.duplicated(), c.toString());
    assertEquals(lost + number(result, "missedByController"), c.missed(), c.toString());
    assertEquals(c.dispatched() - lost, c.fired(), c.toString());
  }

  @Test
  void slow_and_failing_workers_and_a_mid_run_interval_change_keep_the_counts(@TempDir Path out)
      throws Exception {
    LoadtestCommand.Result result =
        run(
            command(
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
                "--exclude-startup",
                "--quiet"));
    Accounting.Counts c = result.counts();
    assertTrue(c.fired() > 0, c.toString());
    assertEquals(0, c.duplicated(), c.toString());
    assertEquals(0, c.offGrid(), c.toString());
    assertEquals(0, c.lostInDispatch(), c.toString());
    assertTrue(number(result, "workerFailures") > 0);
    assertEquals(2, ((java.util.List<?>) result.summary().get("excluded")).size());
  }
}
