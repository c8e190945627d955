package dev.subminute.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.subminute.model.WorkerEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * {@code http-poll}: GETs {@code payload.url} with a timeout ({@code payload.timeoutMs}, default
 * 2000) and records the status code and latency. A non-2xx status or a timeout is a failure.
 */
public final class HttpPoll implements Worker {
  public static final String NAME = "http-poll";

  /** What one poll saw; {@code status} is 0 when no response came. */
  public record Result(
      String jobId, long plannedAt, String url, int status, long latencyMicros, String error) {}

  private final HttpClient http;
  private final Consumer<Result> recorder;

  public HttpPoll(Consumer<Result> recorder) {
    this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build(), recorder);
  }

  public HttpPoll(HttpClient http, Consumer<Result> recorder) {
    this.http = http;
    this.recorder = recorder;
  }

  @Override
  public void handle(WorkerEvent event, JsonNode payload) throws Exception {
    String url = payload.path("url").asText(null);
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "http-poll needs payload.url, such as {\"url\": {\"S\": \"https://example.com/health\"}}");
    }
    long timeoutMs = payload.path("timeoutMs").asLong(2_000);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMillis(timeoutMs))
            .header("X-Subminute-Job", event.jobId())
            .header("X-Subminute-Planned-At", Long.toString(event.plannedAt()))
            .GET()
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      long latency = (System.nanoTime() - start) / 1_000;
      recorder.accept(
          new Result(event.jobId(), event.plannedAt(), url, response.statusCode(), latency, null));
      if (response.statusCode() / 100 != 2) {
        throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
      }
    } catch (java.io.IOException e) {
      long latency = (System.nanoTime() - start) / 1_000;
      recorder.accept(new Result(event.jobId(), event.plannedAt(), url, 0, latency, e.toString()));
      throw e;
    }
  }
}
