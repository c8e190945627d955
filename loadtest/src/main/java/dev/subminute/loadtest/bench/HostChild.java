package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.time.SystemTimeSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link HostProcess} started as a child JVM pinned to one core with {@code taskset}. */
final class HostChild {
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private HostChild(Process process) {
    this.process = process;
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                out.lines().forEach(lines::add);
              } catch (IOException | java.io.UncheckedIOException gone) {
                // the host exited
              }
            },
            "host-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** The user a host runs as when this process is root: nobody. */
  static final int UNPRIVILEGED = 65534;

  /**
   * Starts the host on {@code cpu}, at {@code nice}, with the timer thread's real-time priority and
   * timer-slack tuning off, and as an unprivileged user, as on Lambda: a root host's JVM would
   * raise its own threads' priorities (the collector's and compiler's, and the timer's) above nice
   * 0, which no Lambda function can.
   */
  static HostChild start(int cpu, int nice, String jvmOptions, String classpath, List<String> args)
      throws IOException {
    List<String> command = new ArrayList<>();
    if (isRoot()) {
      command.addAll(List.of("setpriv", "--reuid=" + UNPRIVILEGED, "--regid=" + UNPRIVILEGED));
      command.add("--clear-groups");
    }
    if (nice != 0) {
      command.addAll(List.of("nice", "-n", Integer.toString(nice)));
    }
    command.addAll(
        javaOnCore(
            cpu,
            jvmOptions + " -D" + SystemTimeSource.TUNING_PROPERTY + "=off",
            classpath,
            HostProcess.class));
    command.addAll(args);
    try {
      return new HostChild(
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    } catch (IOException e) {
      throw new IOException(
          "cannot start the host with taskset (install util-linux): " + e.getMessage(), e);
    }
  }

  static boolean isRoot() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  /** The command that runs {@code main} in a JVM of this Java pinned to {@code cpu}. */
  static List<String> javaOnCore(int cpu, String jvmOptions, String classpath, Class<?> main) {
    List<String> command = new ArrayList<>(List.of("taskset", "-c", Integer.toString(cpu)));
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(Arrays.asList(jvmOptions.trim().split("\\s+")));
    command.addAll(List.of("-cp", classpath, main.getName()));
    return command;
  }

  /** Waits for the host's first window; returns when it started (epoch ms). */
  long awaitStarted(long timeoutMs) throws InterruptedException {
    String line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
    if (line == null || !line.startsWith("started ")) {
      throw new IllegalStateException(
          "the host process did not start within "
              + timeoutMs / 1000
              + " s"
              + (line == null ? "" : "; it said: " + line));
    }
    return Long.parseLong(line.substring("started ".length()));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Tells the host that the measured span starts now: it counts its release lateness from here. */
  void markSpan() throws IOException {
    OutputStream in = process.getOutputStream();
    in.write("span\n".getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  /** Asks the host to close, and returns the counts it printed on closing. */
  Map<String, Object> stop(long timeoutMs) throws IOException, InterruptedException {
    try (OutputStream in = process.getOutputStream()) {
      in.write("stop\n".getBytes(StandardCharsets.UTF_8));
    }
    String line = lines.poll(timeoutMs, TimeUnit.MILLISECONDS);
    if (line == null) {
      throw new IllegalStateException(
          "the host process did not report within " + timeoutMs / 1000 + " s of stop");
    }
    process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
    @SuppressWarnings("unchecked")
    Map<String, Object> counts = new ObjectMapper().readValue(line, Map.class);
    return counts;
  }

  void destroy() {
    process.destroyForcibly();
  }
}
