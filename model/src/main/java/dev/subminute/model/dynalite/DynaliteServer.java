package dev.subminute.model.dynalite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * dynalite, the DynamoDB-API server from the repository's pinned npm packages, as a child process
 * on 127.0.0.1. Fails with a message that says what to install when node or dynalite is missing.
 */
public final class DynaliteServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Process process;
  private final int port;
  private final Path log;

  private DynaliteServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts an in-memory dynalite on a free loopback port. */
  public static DynaliteServer start() {
    return start(freePort(), null);
  }

  /**
   * Starts dynalite on {@code port}, keeping its tables under {@code dataDir} when that is not null
   * (so a restart finds them) and in memory otherwise.
   */
  public static DynaliteServer start(int port, Path dataDir) {
    Path cli = findCli();
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Paths.get("/usr/bin/nice"))) {
      // the storage server yields the cores to the timer thread when both are busy
      command.addAll(List.of("/usr/bin/nice", "-n", "10"));
    }
    command.add(node());
    command.add(cli.toString());
    command.addAll(
        List.of(
            "--host", "127.0.0.1",
            "--port", Integer.toString(port),
            "--createTableMs", "0",
            "--deleteTableMs", "0",
            "--updateTableMs", "0"));
    if (dataDir != null) {
      command.add("--path");
      command.add(dataDir.toAbsolutePath().toString());
    }
    try {
      Path log = Files.createTempFile("dynalite-" + port + "-", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      DynaliteServer server = new DynaliteServer(process, port, log);
      server.awaitListening();
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start dynalite with `" + String.join(" ", command) + "`: " + e.getMessage(),
          e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Ends the server at once, as kill -9 would. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  @Override
  public void close() {
    process.destroy();
    waitForExit();
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "dynalite exited with code " + process.exitValue() + " on start: " + readLog());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        sleep(20);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "dynalite did not listen on 127.0.0.1:"
            + port
            + " within "
            + START_TIMEOUT
            + ": "
            + readLog());
  }

  private String readLog() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** The repository root: {@code subminute.root}, {@code SUBMINUTE_ROOT}, or up from the cwd. */
  public static Path repositoryRoot() {
    String configured = System.getProperty("subminute.root", System.getenv("SUBMINUTE_ROOT"));
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured).toAbsolutePath();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("package-lock.json")) && Files.exists(dir.resolve("model"))) {
        return dir;
      }
    }
    return Paths.get("").toAbsolutePath();
  }

  private static Path findCli() {
    Path root = repositoryRoot();
    Path cli = root.resolve("node_modules/dynalite/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException(
          "dynalite is not installed under "
              + root
              + "; run `npm ci` there (the build does this in its initialize phase)");
    }
    return cli;
  }

  private static String node() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Paths.get(dir, "node");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(
        "node is not on the PATH; install Node.js 20 or newer to run the local DynamoDB-API server");
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for dynalite", e);
    }
  }
}
