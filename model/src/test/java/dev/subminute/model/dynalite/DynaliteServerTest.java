package dev.subminute.model.dynalite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dynalite as a child process: never outlives its JVM, never mistaken for another server. */
class DynaliteServerTest {

  @Test
  void a_busy_port_is_refused_instead_of_attaching_to_whatever_answers() throws IOException {
    try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> DynaliteServer.start(other.getLocalPort(), null).close());
      assertEquals(
          "port "
              + other.getLocalPort()
              + " on 127.0.0.1 is in use by another process; stop it or choose another port",
          e.getMessage());
    }
  }

  @Test
  void a_data_dir_that_is_a_file_is_refused(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DynaliteServer.start(0, file));
    assertEquals(
        "data directory " + file + " is a file; name a directory (it is created if missing)",
        e.getMessage());
  }

  @Test
  void a_client_that_drops_its_connection_mid_request_does_not_kill_the_server() throws Exception {
    try (DynaliteServer server = DynaliteServer.start()) {
      for (int i = 0; i < 3; i++) {
        try (java.net.Socket socket =
            new java.net.Socket(InetAddress.getLoopbackAddress(), server.endpoint().getPort())) {
          socket
              .getOutputStream()
              .write(
                  ("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"Table")
                      .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          Thread.sleep(100);
          socket.setSoLinger(true, 0); // close with a reset, as a killed process does
        }
      }
      Thread.sleep(300);
      assertTrue(server.isAlive(), "dynalite died of an aborted request");
      JobTable table = new JobTable(DynamoClients.local(server.endpoint()), "after-reset");
      table.createIfMissing();
      assertTrue(table.list(10, null).items().isEmpty());
    }
  }

  @Test
  void a_port_out_of_range_is_refused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DynaliteServer.start(70_000, null));
    assertEquals("port 70000 is out of range; choose one from 1 to 65535", e.getMessage());
  }

  @Test
  void a_missing_data_dir_is_created_and_keeps_the_tables(@TempDir Path dir) {
    Path data = dir.resolve("a/b");
    try (DynaliteServer server = DynaliteServer.start(0, data)) {
      new JobTable(DynamoClients.local(server.endpoint()), "kept").createIfMissing();
    }
    assertTrue(Files.isDirectory(data));
    try (DynaliteServer server = DynaliteServer.start(0, data)) {
      assertEquals(
          List.of("kept"), DynamoClients.local(server.endpoint()).listTables().tableNames());
    }
  }

  @Test
  void leaves_no_log_file_in_the_temporary_directory() throws IOException {
    List<Path> before = dynaliteLogs();
    try (DynaliteServer server = DynaliteServer.start()) {
      assertTrue(server.isAlive());
    }
    assertEquals(before, dynaliteLogs());
  }

  @Test
  void an_unexpected_exit_is_reported_and_a_close_is_not() throws Exception {
    DynaliteServer crashing = DynaliteServer.start();
    CompletableFuture<String> reported = new CompletableFuture<>();
    crashing.onUnexpectedExit(reported::complete);
    ProcessHandle.of(crashing.pid()).orElseThrow().destroyForcibly();
    String reason = reported.get(10, TimeUnit.SECONDS);
    assertTrue(
        reason.startsWith("dynalite (pid " + crashing.pid() + ") exited with code "), reason);

    DynaliteServer closed = DynaliteServer.start();
    CompletableFuture<String> notReported = new CompletableFuture<>();
    closed.onUnexpectedExit(notReported::complete);
    closed.close();
    Thread.sleep(500);
    assertFalse(notReported.isDone());
  }

  @Test
  void dies_with_the_jvm_that_started_it_even_on_kill_minus_9() throws Exception {
    Process jvm =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dsubminute.root=" + DynaliteServer.repositoryRoot(),
                DynaliteChild.class.getName())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
      long dynalitePid = Long.parseLong(out.readLine().trim());
      ProcessHandle dynalite = ProcessHandle.of(dynalitePid).orElseThrow();
      assertTrue(dynalite.isAlive());

      jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (dynalite.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertFalse(dynalite.isAlive(), "dynalite outlived the JVM killed with SIGKILL");
    } finally {
      jvm.destroyForcibly();
    }
  }

  private static List<Path> dynaliteLogs() throws IOException {
    try (Stream<Path> files = Files.list(Paths.get(System.getProperty("java.io.tmpdir")))) {
      return files
          .filter(p -> p.getFileName().toString().matches("dynalite-.*\\.log"))
          .sorted()
          .toList();
    }
  }

  /** A JVM that starts dynalite, prints its pid and waits to be killed. */
  public static final class DynaliteChild {
    public static void main(String[] args) throws InterruptedException {
      DynaliteServer server = DynaliteServer.start();
      System.out.println(server.pid());
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
