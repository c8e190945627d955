package dev.subminute.model.dynamodb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * DynamoDB clients. Long-lived processes use the Apache HTTP client: on loopback it answers GetItem
 * in about 0.3 ms against about 1.8 ms for the URL-connection client (see loadtest's
 * ClientLatencyBenchmark); a process that makes a few calls and exits uses the URL-connection
 * client, which starts faster.
 */
public final class DynamoClients {
  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The call timeout of a process that makes a few calls: its first call runs cold, setting the
   * SDK's request pipeline up within the call's time, which took over 2 s on a busy machine.
   */
  private static final Duration COLD_CALL_TIMEOUT = Duration.ofSeconds(10);

  private DynamoClients() {}

  /** A client for a local DynamoDB-API server, with placeholder credentials. */
  public static DynamoDbClient local(URI endpoint) {
    return local(
        endpoint, DynamoDbClient.builder().httpClientBuilder(apacheHttpClient()), CALL_TIMEOUT);
  }

  /**
   * A client for a process that makes a few calls and exits, such as the {@code jobs} command: the
   * JDK's URL connection starts no connection pool and loads a fraction of the Apache client's
   * classes, which matters more there than the 1.5 ms per call. Its connections come straight from
   * the URL, so no TLS context (and trust store) is loaded for a plain-HTTP endpoint.
   */
  public static DynamoDbClient localForFewCalls(URI endpoint) {
    return local(
        endpoint,
        DynamoDbClient.builder()
            .httpClient(UrlConnectionHttpClient.create(DynamoClients::openConnection)),
        COLD_CALL_TIMEOUT);
  }

  private static HttpURLConnection openConnection(URI uri) {
    try {
      HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout((int) CONNECTION_TIMEOUT.toMillis());
      connection.setReadTimeout((int) SOCKET_TIMEOUT.toMillis());
      return connection;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DynamoDbClient local(
      URI endpoint, DynamoDbClientBuilder builder, Duration callTimeout) {
    if (endpoint.getScheme() == null
        || !endpoint.getScheme().matches("https?")
        || endpoint.getHost() == null) {
      throw new IllegalArgumentException(
          "endpoint "
              + endpoint
              + " is not an http(s) URL; write one such as http://127.0.0.1:4567");
    }
    return builder
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .overrideConfiguration(failFast(callTimeout))
        .build();
  }

  /**
   * Three attempts within {@code callTimeout}, instead of DynamoDB's default of up to ten over
   * several seconds: a controller that cannot reach storage carries on with what it knows, and the
   * next write catches up.
   */
  private static Consumer<ClientOverrideConfiguration.Builder> failFast(Duration callTimeout) {
    return c -> c.retryStrategy(RetryMode.STANDARD).apiCallTimeout(callTimeout);
  }

  /** A client for a real table: region and credentials from the default chains. */
  public static DynamoDbClient aws() {
    return aws(apacheHttpClient(), CALL_TIMEOUT);
  }

  /** {@link #aws()} for a process that makes a few calls; see {@link #localForFewCalls}. */
  public static DynamoDbClient awsForFewCalls() {
    return aws(
        UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECTION_TIMEOUT)
            .socketTimeout(SOCKET_TIMEOUT),
        COLD_CALL_TIMEOUT);
  }

  private static DynamoDbClient aws(SdkHttpClient.Builder<?> httpClient, Duration callTimeout) {
    return DynamoDbClient.builder()
        .httpClientBuilder(httpClient)
        .overrideConfiguration(failFast(callTimeout))
        .build();
  }

  private static ApacheHttpClient.Builder apacheHttpClient() {
    return ApacheHttpClient.builder()
        .maxConnections(64)
        .connectionTimeout(CONNECTION_TIMEOUT)
        .socketTimeout(SOCKET_TIMEOUT);
  }
}
