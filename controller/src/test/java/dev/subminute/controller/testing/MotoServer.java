package dev.subminute.controller.testing;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** moto in server mode on a free loopback port: a local Step Functions API. Fails if missing. */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    return start(List.of("moto_server"), Map.of());
  }

  /**
   * @param command what runs moto's server (it gets {@code -H host -p port} appended)
   * @param environment added to moto's environment; {@code MOTO_PORT} there is where its Step
   *     Functions interpreter sends the AWS calls of its tasks
   */
  public static MotoServer start(List<String> command, Map<String, String> environment)
      throws IOException, InterruptedException {
    int port = DynaliteServer.freePort();
    Path log = Files.createTempFile("moto-", ".log");
    List<String> line = new ArrayList<>(command);
    line.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
    ProcessBuilder builder =
        new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "moto_server exited: "
                + Files.readString(log)
                + " (install it with pip install 'moto[server]')");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new MotoServer(process, port);
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "moto_server did not listen within 30 s: " + Files.readString(log));
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
