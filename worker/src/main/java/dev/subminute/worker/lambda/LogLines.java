package dev.subminute.worker.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Records as JSON log lines, which CloudWatch Logs Insights queries by field. */
public final class LogLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LogLines() {}

  public static String of(Record record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      return record.toString();
    }
  }
}
