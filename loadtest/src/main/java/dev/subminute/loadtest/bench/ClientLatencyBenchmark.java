package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.loadtest.Machine;
import dev.subminute.model.Job;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.JobTable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
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
 * <p>{@code java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.ClientLatencyBenchmark
 * [calls, default 2000]}; the last line is a JSON summary (the Apache figures are its second,
 * warmed-up round).
 */
public final class ClientLatencyBenchmark {

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
    Map<String, Object> summary = new LinkedHashMap<>();
    try (DynaliteServer dynalite = DynaliteServer.start()) {
      measure("apache", ApacheHttpClient.builder().build(), dynalite, calls);
      put(
          summary,
          "urlConnection",
          measure("url-connection", UrlConnectionHttpClient.builder().build(), dynalite, calls));
      put(
          summary,
          "apache",
          measure("apache (again)", ApacheHttpClient.builder().build(), dynalite, calls));
    }
    summary.put("calls", calls);
    summary.put("machine", Machine.describe());
    System.out.println(new ObjectMapper().writeValueAsString(summary));
  }

  private static void put(Map<String, Object> summary, String client, double[] ms) {
    summary.put(client + "P50Ms", ms[0]);
    summary.put(client + "P90Ms", ms[1]);
    summary.put(client + "P99Ms", ms[2]);
  }

  /** GetItem latency after 3,000 warm-up calls: {p50, p90, p99} in ms. */
  static double[] measure(String name, SdkHttpClient http, DynaliteServer dynalite, int calls) {
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
    table.putIfAbsent(Job.builder("j", "log", 1000).build());
    for (int i = 0; i < 3_000; i++) {
      table.get("j");
    }
    long[] micros = new long[calls];
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      table.get("j");
      micros[i] = (System.nanoTime() - start) / 1_000;
    }
    Arrays.sort(micros);
    double[] ms = {
      micros[calls / 2] / 1000.0, micros[calls * 9 / 10] / 1000.0, micros[calls * 99 / 100] / 1000.0
    };
    System.out.printf(
        Locale.ROOT,
        "%-16s GetItem p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  (%d calls)%n",
        name,
        ms[0],
        ms[1],
        ms[2],
        calls);
    client.close();
    return ms;
  }
}
