package dev.subminute.model.dynalite;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * dynalite, the DynamoDB-API server from the repository's pinned npm packages, as a child process
 * on 127.0.0.1. Fails with a message that says what to install when node or dynalite is missing.
 *
 * <p>A small Node.js launcher runs dynalite: it reports the port it listens on (so nothing else
 * answering on that port is ever mistaken for it), reports a busy port in one line, and exits when
 * its standard input closes or its parent changes, so the server never outlives the JVM that
 * started it, however that JVM ends. Its output is kept in memory (the last lines, for errors), not
 * in a file. It ignores SIGINT: a Ctrl-C in the terminal reaches the JVM, which writes the final
 * status and then stops the server.
 */
public final class DynaliteServer implements AutoCloseable {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final int LOG_LINES = 20;
  private static final String LISTENING = "dynalite listening on port ";
  private static final String PORT_IN_USE = "EADDRINUSE";
  private static final String LAUNCHER =
      """
      const [modulePath, host, port, dataDir] = process.argv.slice(1);
      process.stdin.on('end', () => process.exit(0));
      process.stdin.on('error', () => process.exit(0));
      process.stdin.resume();
      process.on('SIGINT', () => {});
      process.on('uncaughtException', (e) => {
        if (e && (e.code === 'ECONNRESET' || e.message === 'aborted')) return; // a client left
        console.log('dynalite failed: ' + (e && e.stack ? e.stack : e));
        process.exit(4);
      });
      const parent = process.ppid;
      setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
      const options = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
      if (dataDir) options.path = dataDir;
      const server = require(modulePath)(options);
      server.on('error', (e) => {
        console.log(e.code === 'EADDRINUSE' ? 'EADDRINUSE' : 'dynalite failed: ' + e.message);
        process.exit(3);
      });
      server.listen(Number(port), host, () =>
        console.log('dynalite listening on port ' + server.address().port));
      """;

  private final Process process;
  private final int port;
  private final Deque<String> log;
  private volatile boolean closing;

  private DynaliteServer(Process process, int port, Deque<String> log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts an in-memory dynalite on a free loopback port. */
  public static DynaliteServer start() {
    return start(0, null);
  }

  /**
   * Starts dynalite on {@code port} (0: any free port), keeping its tables under {@code dataDir}
   * when that is not null (created if missing, so a restart finds them) and in memory otherwise.
   *
   * @throws IllegalArgumentException when the port is out of range or the data directory is a file
   * @throws IllegalStateException when node or dynalite is missing, the port is in use, or dynalite
   *     does not start
   */
  public static DynaliteServer start(int port, Path dataDir) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(
          "port " + port + " is out of range; choose one from 1 to 65535");
    }
    Path data = dataDir == null ? null : prepareDataDir(dataDir);
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Paths.get("/usr/bin/nice"))) {
      // the storage server yields the cores to the timer thread when both are busy
      command.addAll(List.of("/usr/bin/nice", "-n", "10"));
    }
    command.addAll(
        List.of(
            node(),
            "-e",
            LAUNCHER,
            findModule().toString(),
            "127.0.0.1",
            Integer.toString(port),
            data == null ? "" : data.toString()));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "could not start dynalite with " + command.get(0) + ": " + e.getMessage(), e);
    }
    Deque<String> log = new ArrayDeque<>();
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> readOutput(process, log, listening), "dynalite-output");
    reader.setDaemon(true);
    reader.start();
    return new DynaliteServer(process, awaitListening(process, port, log, listening), log);
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

  /**
   * Calls {@code action} with a sentence naming the exit code and dynalite's last output if the
   * server ends before {@link #close()} or {@link #kill()} ends it (a crash, a full disk, a kill
   * from outside).
   */
  public void onUnexpectedExit(Consumer<String> action) {
    process
        .onExit()
        .thenRun(
            () -> {
              if (!closing) {
                action.accept(
                    "dynalite (pid "
                        + process.pid()
                        + ") exited with code "
                        + process.exitValue()
                        + lastOutput(log));
              }
            });
  }

  /** Ends the server at once, as kill -9 would. */
  public void kill() {
    closing = true;
    process.destroyForcibly();
    waitForExit();
  }

  @Override
  public void close() {
    closing = true;
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

  private static Path prepareDataDir(Path dataDir) {
    Path dir = dataDir.toAbsolutePath();
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "data directory " + dir + " is a file; name a directory (it is created if missing)");
    }
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot create the data directory " + dir + " (" + e + "); name a writable directory");
    }
  }

  private static void readOutput(
      Process process, Deque<String> log, CompletableFuture<Integer> listening) {
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(LISTENING)) {
          listening.complete(Integer.parseInt(line.substring(LISTENING.length()).trim()));
        }
        synchronized (log) {
          log.addLast(line);
          if (log.size() > LOG_LINES) {
            log.removeFirst();
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IOException("dynalite's output ended"));
  }

  private static int awaitListening(
      Process process, int port, Deque<String> log, CompletableFuture<Integer> listening) {
    try {
      return listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting dynalite", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      waitQuietly(process);
      String output;
      synchronized (log) {
        output = String.join("\n", log);
      }
      if (output.contains(PORT_IN_USE)) {
        throw new IllegalStateException(
            "port "
                + port
                + " on 127.0.0.1 is in use by another process; stop it or choose another port");
      }
      throw new IllegalStateException(
          (e instanceof TimeoutException
                  ? "dynalite did not listen on 127.0.0.1 within " + START_TIMEOUT
                  : "dynalite exited on start")
              + lastOutput(log));
    }
  }

  private static void waitQuietly(Process process) {
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String lastOutput(Deque<String> log) {
    synchronized (log) {
      return log.isEmpty() ? "" : "; its last output: " + String.join(" | ", log);
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

  private static Path findModule() {
    Path root = repositoryRoot();
    Path module = root.resolve("node_modules/dynalite");
    if (!Files.isRegularFile(module.resolve("index.js"))) {
      throw new IllegalStateException(
          "dynalite is not installed under "
              + root
              + "; run `npm ci` there (the build does this in its initialize phase)");
    }
    return module;
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
}
