package dev.subminute.controller.testing;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * moto in server mode on a free loopback port: a local Step Functions API, at the pinned version
 * (see {@link PythonTools}). Fails if it cannot start.
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    int port = DynaliteServer.freePort();
    Path log = Files.createTempFile("moto-", ".log");
    Process process =
        new ProcessBuilder(
                PythonTools.command("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited: " + Files.readString(log));
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
