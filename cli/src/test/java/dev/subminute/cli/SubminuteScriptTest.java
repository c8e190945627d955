package dev.subminute.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code subminute} script's choice of JVM options: the runtime gets its large heap, every
 * other command a small one, and the class archive of short commands is recorded from a jobs
 * request only. The script runs from a copy of the repository's layout with a built jar, and with a
 * {@code java} on the path that writes down its arguments instead of starting a JVM.
 */
class SubminuteScriptTest {
  @TempDir Path root;
  private Path archive;
  private Path javaCalls;

  @BeforeEach
  void layout() throws IOException {
    Path script = root.resolve("subminute");
    Files.copy(DynaliteServer.repositoryRoot().resolve("subminute"), script);
    script.toFile().setExecutable(true);
    Path jar = Files.createDirectories(root.resolve("cli/target")).resolve("subminute.jar");
    Files.writeString(jar, "");
    Files.writeString(root.resolve("pom.xml"), "");
    // built an hour ago from a pom of two hours ago: nothing to rebuild
    Files.setLastModifiedTime(root.resolve("pom.xml"), hoursAgo(2));
    Files.setLastModifiedTime(jar, hoursAgo(1));
    archive = root.resolve("cli/target/subminute-cli.jsa");
    javaCalls = root.resolve("java-calls");
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.writeString(
        bin.resolve("java"),
        """
        #!/usr/bin/env bash
        echo "$*" >> "%s"
        for arg in "$@"; do
          case "$arg" in -XX:ArchiveClassesAtExit=*) touch "${arg#*=}" ;; esac
        done
        """
            .formatted(javaCalls));
    bin.resolve("java").toFile().setExecutable(true);
  }

  @Test
  void the_runtime_gets_its_large_heap_and_jobs_a_small_one() throws Exception {
    String local = subminute("local", "--demo");
    assertTrue(local.contains("-Xmx2g") && local.contains("-XX:+AlwaysPreTouch"), local);

    String jobs = subminute("jobs", "list");
    assertTrue(jobs.contains("-Xmx96m") && jobs.contains("-XX:+UseSerialGC"), jobs);
    assertFalse(jobs.contains("-Xms2g") || jobs.contains("AlwaysPreTouch"), jobs);
  }

  @Test
  void the_class_archive_is_recorded_from_a_jobs_request_and_used_from_then_on() throws Exception {
    for (List<String> noRequest :
        List.of(List.of("--version"), List.of("jobs", "--help"), List.of("jobs", "list", "-h"))) {
      String java = subminute(noRequest.toArray(String[]::new));
      assertFalse(java.contains("ArchiveClassesAtExit"), noRequest + ": " + java);
      assertFalse(Files.exists(archive), noRequest + " left an archive");
    }

    String recording = subminute("jobs", "get", "x");
    assertTrue(recording.contains("-XX:ArchiveClassesAtExit=" + archive + "."), recording);
    assertTrue(Files.exists(archive), "the jobs request left no archive");

    String using = subminute("jobs", "--help");
    assertTrue(using.contains("-XX:SharedArchiveFile=" + archive), using);
  }

  /** Runs the script; returns the arguments it gave java. */
  private String subminute(String... args) throws IOException, InterruptedException {
    Files.deleteIfExists(javaCalls);
    List<String> command = new ArrayList<>(List.of(root.resolve("subminute").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
    builder.environment().remove("SUBMINUTE_JAVA_OPTS");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the script did not end: " + output);
    assertEquals(0, process.exitValue(), output);
    List<String> calls = Files.readAllLines(javaCalls);
    assertEquals(1, calls.size(), "java calls: " + calls + ", output: " + output);
    return calls.get(0);
  }

  private static FileTime hoursAgo(int hours) {
    return FileTime.from(Instant.now().minusSeconds(hours * 3600L));
  }
}
