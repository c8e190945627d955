package dev.subminute.controller.lambda;

import dev.subminute.controller.core.WindowMetrics;
import dev.subminute.controller.core.WindowResult;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;
import software.amazon.lambda.powertools.metrics.provider.EmfMetricsProvider;

/**
 * Writes each window's figures as one CloudWatch Embedded Metric Format log line (Powertools
 * metrics, without its annotations): CloudWatch turns it into metrics of namespace {@code
 * Subminute} without an API call. No dimension, not even the EMF library's default service ones, so
 * the metric count (and cost) stays flat however many jobs run and the stack's dashboard and alarms
 * find them; {@code jobId} stays in the log line for Logs Insights. Runs once per window, off the
 * timer thread; each report is its own metrics context, so windows of several jobs may end at once.
 */
public final class EmbeddedMetricFormat implements WindowMetrics {
  public static final String NAMESPACE = "Subminute";
  private static final DimensionSet NO_DIMENSIONS = DimensionSet.of(Map.of());

  private final Metrics metrics;

  /**
   * Reports to stdout on Lambda ({@code POWERTOOLS_METRICS_DISABLED=true} turns it off), starting
   * with a {@code ColdStart} count: that first report loads the EMF library's classes (about a
   * thousand, several hundred ms on a small function) in the function's init phase, instead of at
   * the first window's end, where it would delay the handover to the next window.
   */
  public EmbeddedMetricFormat() {
    this.metrics = new EmfMetricsProvider().getMetricsInstance();
    metrics.setNamespace(NAMESPACE);
    report(started -> started.addMetric("ColdStart", 1, MetricUnit.COUNT));
  }

  @Override
  public void windowEnded(String jobId, WindowResult r) {
    report(
        window -> {
          window.addMetric("Ticks", r.fired(), MetricUnit.COUNT);
          window.addMetric("MissedTicks", r.missed(), MetricUnit.COUNT);
          window.addMetric("InvokeErrors", r.invokeErrors(), MetricUnit.COUNT);
          window.addMetric("DriftP99", r.driftP99Micros() / 1000.0, MetricUnit.MILLISECONDS);
          window.addMetric("DriftMax", r.driftMaxMicros() / 1000.0, MetricUnit.MILLISECONDS);
          window.addMetadata("jobId", jobId);
          window.addMetadata("action", r.action().name());
        });
  }

  /** One EMF line, in its own metrics context. */
  private void report(Consumer<Metrics> figures) {
    metrics.flushMetrics(
        line -> {
          line.setDefaultDimensions(NO_DIMENSIONS);
          figures.accept(line);
        });
  }
}
