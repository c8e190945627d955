package dev.subminute.loadtest.bench;

import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import java.util.Arrays;
import java.util.Locale;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Consistent GetItem latency against dynalite on loopback with each of the SDK's synchronous HTTP
 * clients: the measurement behind DynamoClients' choice.
 *
 * <p>{@code java -cp loadtest/target/subminute.jar
 * dev.subminute.loadtest.bench.ClientLatencyBenchmark}
 */
public final class ClientLatencyBenchmark {
  private static final int CALLS = 2_000;

  public static void main(String[] args) {
    try (DynaliteServer dynalite = DynaliteServer.start()) {
      measure("apache", ApacheHttpClient.builder().build(), dynalite);
      measure("url-connection", UrlConnectionHttpClient.builder().build(), dynalite);
      measure("apache (again)", ApacheHttpClient.builder().build(), dynalite);
    }
  }

  static void measure(String name, SdkHttpClient http, DynaliteServer dynalite) {
    DynamoDbClient client =
        DynamoDbClient.builder()
            .endpointOverride(dynalite.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
            .httpClient(http)
            .build();
    JobTable table = new JobTable(client, "bench-" + name.replaceAll("[^a-z]", ""));
    table.createIfMissing();
    table.putIfAbsent(
        JobItem.builder().jobId("j").workerArn("log").intervalMs(1000L).running(true).build());
    for (int i = 0; i < 3_000; i++) {
      table.get("j");
    }
    long[] micros = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long start = System.nanoTime();
      table.get("j");
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    Arrays.sort(micros);
    System.out.printf(
        Locale.ROOT,
        "%-16s GetItem p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  (%d calls)%n",
        name,
        micros[CALLS / 2] / 1000.0,
        micros[CALLS * 9 / 10] / 1000.0,
        micros[CALLS * 99 / 100] / 1000.0,
        CALLS);
    client.close();
  }
}
