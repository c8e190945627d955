package dev.subminute.controller.lambda;

import dev.subminute.controller.core.WindowMetrics;
import dev.subminute.controller.core.WindowResult;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Writes each window's figures as one CloudWatch Embedded Metric Format log line: CloudWatch turns
 * it into metrics of namespace {@code Subminute} without an API call. No dimension per job, so the
 * metric count (and cost) stays flat however many jobs run; {@code jobId} stays in the log line for
 * Logs Insights.
 */
public final class EmbeddedMetricFormat implements WindowMetrics {
  public static final String NAMESPACE = "Subminute";

  private final PrintStream out;
  private final java.util.function.LongSupplier wallMillis;

  public EmbeddedMetricFormat(PrintStream out, java.util.function.LongSupplier wallMillis) {
    this.out = out;
    this.wallMillis = wallMillis;
  }

  @Override
  public void windowEnded(String jobId, WindowResult r) {
    out.println(line(jobId, r, wallMillis.getAsLong()));
  }

  static String line(String jobId, WindowResult r, long timestamp) {
    return String.format(
        Locale.ROOT,
        "{\"_aws\":{\"Timestamp\":%d,\"CloudWatchMetrics\":[{\"Namespace\":\"%s\",\"Dimensions\":[[]],\"Metrics\":["
            + "{\"Name\":\"Ticks\",\"Unit\":\"Count\"},{\"Name\":\"MissedTicks\",\"Unit\":\"Count\"},"
            + "{\"Name\":\"InvokeErrors\",\"Unit\":\"Count\"},{\"Name\":\"DriftP99\",\"Unit\":\"Milliseconds\"},"
            + "{\"Name\":\"DriftMax\",\"Unit\":\"Milliseconds\"}]}]},"
            + "\"jobId\":\"%s\",\"action\":\"%s\",\"Ticks\":%d,\"MissedTicks\":%d,\"InvokeErrors\":%d,\"DriftP99\":%.3f,\"DriftMax\":%.3f}",
        timestamp,
        NAMESPACE,
        jobId,
        r.action(),
        r.fired(),
        r.missed(),
        r.invokeErrors(),
        r.driftP99Micros() / 1000.0,
        r.driftMaxMicros() / 1000.0);
  }
}
