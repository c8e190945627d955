package dev.subminute.controller.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.WindowResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The window's EMF line as CloudWatch reads it: what the stack's dashboard and alarms query. */
class EmbeddedMetricFormatTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The EMF lines {@code report} writes to stdout. */
  static List<JsonNode> emfLines(Runnable report) throws Exception {
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      report.run();
    } finally {
      System.setOut(stdout);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.contains("\"_aws\"")) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void a_window_is_one_line_of_metrics_without_dimensions_in_the_subminute_namespace()
      throws Exception {
    EmbeddedMetricFormat emf = new EmbeddedMetricFormat();
    WindowResult result =
        new WindowResult(
            WindowResult.Action.CONTINUE, null, 1_000L, null, 8_400, 2, 1, 530, 1_250, null);

    long before = System.currentTimeMillis();
    List<JsonNode> lines = emfLines(() -> emf.windowEnded("job-7", result));
    long after = System.currentTimeMillis();

    assertEquals(1, lines.size());
    JsonNode line = lines.get(0);
    JsonNode aws = line.get("_aws");
    long timestamp = aws.get("Timestamp").asLong();
    assertTrue(before <= timestamp && timestamp <= after, timestamp + " not in the call");
    JsonNode directive = aws.get("CloudWatchMetrics").get(0);
    assertEquals("Subminute", directive.get("Namespace").asText());
    assertEquals("[[]]", directive.get("Dimensions").toString());
    Set<String> metrics = new HashSet<>();
    directive
        .get("Metrics")
        .forEach(m -> metrics.add(m.get("Name").asText() + " " + m.get("Unit").asText()));
    assertEquals(
        Set.of(
            "Ticks Count",
            "MissedTicks Count",
            "InvokeErrors Count",
            "DriftP99 Milliseconds",
            "DriftMax Milliseconds"),
        metrics);
    assertEquals(8_400, line.get("Ticks").asDouble());
    assertEquals(2, line.get("MissedTicks").asDouble());
    assertEquals(1, line.get("InvokeErrors").asDouble());
    assertEquals(0.53, line.get("DriftP99").asDouble());
    assertEquals(1.25, line.get("DriftMax").asDouble());
    assertEquals("job-7", line.get("jobId").asText());
    assertEquals("CONTINUE", line.get("action").asText());
  }

  @Test
  void construction_reports_a_cold_start_so_the_first_window_does_not_pay_for_class_loading()
      throws Exception {
    List<JsonNode> lines = emfLines(() -> new EmbeddedMetricFormat());

    assertEquals(1, lines.size());
    JsonNode directive = lines.get(0).get("_aws").get("CloudWatchMetrics").get(0);
    assertEquals("Subminute", directive.get("Namespace").asText());
    assertEquals("[[]]", directive.get("Dimensions").toString());
    assertEquals("ColdStart", directive.get("Metrics").get(0).get("Name").asText());
    assertEquals(1, lines.get(0).get("ColdStart").asDouble());
  }

  @Test
  void windows_of_different_jobs_are_reported_apart() throws Exception {
    EmbeddedMetricFormat emf = new EmbeddedMetricFormat();
    WindowResult stopped =
        new WindowResult(WindowResult.Action.STOP, null, null, null, 0, 0, 0, 0, 0, "stopped");
    WindowResult running =
        new WindowResult(WindowResult.Action.CONTINUE, null, 1L, null, 10, 0, 0, 100, 200, null);

    List<JsonNode> lines =
        emfLines(
            () -> {
              emf.windowEnded("a", stopped);
              emf.windowEnded("b", running);
            });

    assertEquals(2, lines.size());
    assertEquals("a STOP 0.0", describe(lines.get(0)));
    assertEquals("b CONTINUE 10.0", describe(lines.get(1)));
  }

  static String describe(JsonNode line) {
    return line.get("jobId").asText()
        + " "
        + line.get("action").asText()
        + " "
        + line.get("Ticks").asDouble();
  }
}
