package dev.subminute.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A loopback TCP proxy that holds every chunk a client sends for a fixed delay: slow storage. */
final class SlowProxy implements AutoCloseable {
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "slow-proxy");
            t.setDaemon(true);
            return t;
          });

  private SlowProxy(ServerSocket server) {
    this.server = server;
  }

  static SlowProxy start(int upstreamPort, long delayMs) throws IOException {
    SlowProxy proxy = new SlowProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    proxy.threads.execute(() -> proxy.accept(upstreamPort, delayMs));
    return proxy;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  private void accept(int upstreamPort, long delayMs) {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        threads.execute(() -> pump(client, upstream, delayMs));
        threads.execute(() -> pump(upstream, client, 0));
      } catch (IOException closed) {
        return;
      }
    }
  }

  private static void pump(Socket from, Socket to, long delayMs) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (delayMs > 0) {
          Thread.sleep(delayMs);
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // one side closed
    } finally {
      try {
        from.close();
        to.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
