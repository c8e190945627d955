package dev.subminute.local.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code subminute local} as a real process with its real dynalite: the storage server never
 * outlives the runtime, and the runtime never outlives its storage server silently.
 */
class LocalCommandProcessTest {
  private Process runtime;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();

  @AfterEach
  void killLeftovers() {
    if (runtime != null) {
      runtime.descendants().forEach(ProcessHandle::destroyForcibly);
      runtime.destroyForcibly();
    }
  }

  @Test
  void dynalite_dying_under_the_runtime_stops_it_with_exit_5_and_one_line() throws Exception {
    start();
    awaitBanner();
    ProcessHandle dynalite = dynalite();

    dynalite.destroyForcibly();

    assertTrue(runtime.waitFor(20, TimeUnit.SECONDS), "the runtime kept running without storage");
    assertEquals(5, runtime.exitValue());
    List<String> died =
        stderr.stream().filter(l -> l.startsWith("subminute: the embedded DynamoDB")).toList();
    assertEquals(1, died.size(), stderr.toString());
    assertTrue(
        died.get(0)
            .startsWith(
                "subminute: the embedded DynamoDB server died, so no job can be changed or"
                    + " recorded: stopping every timer and exiting (dynalite (pid "
                    + dynalite.pid()
                    + ") exited with code "),
        died.get(0));
    assertFalse(stderr.stream().anyMatch(l -> l.startsWith("\tat ")), stderr.toString());
  }

  @Test
  void kill_minus_9_of_the_runtime_takes_its_dynalite_along() throws Exception {
    start();
    awaitBanner();
    ProcessHandle dynalite = dynalite();

    runtime.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    assertGone(dynalite);
  }

  @Test
  void an_interrupt_during_start_up_leaves_no_dynalite() throws Exception {
    start();
    ProcessHandle dynalite = dynalite();

    new ProcessBuilder("kill", "-INT", Long.toString(runtime.pid())).start().waitFor();

    assertTrue(runtime.waitFor(20, TimeUnit.SECONDS), "the runtime did not end on SIGINT");
    assertGone(dynalite);
  }

  private void start() throws IOException {
    runtime =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                "-Dsubminute.root=" + DynaliteServer.repositoryRoot(),
                SubminuteCommand.class.getName(),
                "local",
                "--port",
                "0",
                "--duration",
                "120")
            .start();
    collect(runtime.getInputStream(), stdout);
    collect(runtime.getErrorStream(), stderr);
  }

  private void awaitBanner() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!stdout.contains("subminute local runtime")) {
      assertTrue(runtime.isAlive(), "the runtime ended: " + stdout + stderr);
      assertTrue(System.nanoTime() < deadline, "no banner within 60 s: " + stdout + stderr);
      Thread.sleep(50);
    }
  }

  /** The runtime's node process, as soon as it exists. */
  private ProcessHandle dynalite() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      var node =
          runtime
              .descendants()
              .filter(p -> p.info().command().map(c -> c.endsWith("node")).orElse(false))
              .findFirst();
      if (node.isPresent()) {
        return node.get();
      }
      assertTrue(runtime.isAlive(), "the runtime ended: " + stdout + stderr);
      Thread.sleep(20);
    }
    throw new AssertionError("the runtime started no dynalite within 60 s");
  }

  private static void assertGone(ProcessHandle dynalite) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (dynalite.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(dynalite.isAlive(), "dynalite (pid " + dynalite.pid() + ") outlived the runtime");
  }

  private static void collect(InputStream stream, List<String> lines) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
              } catch (IOException | java.io.UncheckedIOException ended) {
                // the process is gone
              }
            });
    reader.setDaemon(true);
    reader.start();
  }
}
