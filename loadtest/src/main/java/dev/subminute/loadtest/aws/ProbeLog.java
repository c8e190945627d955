package dev.subminute.loadtest.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.worker.DriftProbe;
import java.io.IOException;
import java.util.Optional;

/**
 * The drift-probe Lambda's log lines (one JSON receipt per tick, written by DriftProbeHandler) read
 * back into receipts. Lines that are not receipts (START, END, REPORT) give nothing.
 */
public final class ProbeLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ProbeLog() {}

  public static Optional<DriftProbe.Receipt> parse(String message) {
    String line = message.strip();
    if (!line.startsWith("{") || !line.contains("\"plannedAt\"")) {
      return Optional.empty();
    }
    try {
      JsonNode n = JSON.readTree(line);
      if (!n.hasNonNull("jobId")
          || !n.hasNonNull("plannedAt")
          || !n.hasNonNull("firedAtMicros")
          || !n.hasNonNull("receivedAtMicros")) {
        return Optional.empty();
      }
      return Optional.of(
          new DriftProbe.Receipt(
              n.get("jobId").asText(),
              n.get("plannedAt").asLong(),
              n.get("firedAtMicros").asLong(),
              n.get("receivedAtMicros").asLong(),
              n.path("duplicate").asBoolean(false)));
    } catch (IOException notJson) {
      return Optional.empty();
    }
  }
}
