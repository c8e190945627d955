package dev.subminute.controller.testing;

import dev.subminute.model.dynalite.DynaliteServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.SfnClientBuilder;

/**
 * moto in server mode on a free loopback port: a local Step Functions API, at the pinned version
 * (see {@link PythonTools}). Fails if it cannot start.
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final int port;

  // held for good: a client nobody references any more may close its connections mid-request
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    return start(Map.of());
  }

  /**
   * @param environment for moto_server; {@code MOTO_PORT} names the port where moto's own calls (a
   *     state machine's Lambda and Step Functions tasks) go, such as a test's proxy
   */
  public static MotoServer start(Map<String, String> environment)
      throws IOException, InterruptedException {
    return start(PythonTools.command("moto_server"), environment);
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

  /** A Step Functions client builder for this server: its endpoint, a region, test credentials. */
  public SfnClientBuilder sfnClient() {
    return SfnClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .httpClientBuilder(ApacheHttpClient.builder());
  }

  /** Makes moto run the definitions of started executions (by default it only records them). */
  public void executeStateMachines() throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(endpoint().resolve("/moto-api/config"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"stepfunctions\": {\"execute_state_machine\": true}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 && response.statusCode() != 201) {
      throw new IllegalStateException(
          "moto refused its configuration: " + response.statusCode() + " " + response.body());
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
