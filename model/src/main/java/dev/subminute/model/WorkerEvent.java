package dev.subminute.model;

/**
 * One tick as the worker receives it. {@code (jobId, plannedAt)} identifies the tick everywhere;
 * workers use it to drop duplicate deliveries.
 *
 * @param plannedAt the planned instant, epoch ms
 * @param firedAtMicros when the controller sends the invoke, epoch µs: when its timer fired, or,
 *     for an invoke prepared ahead of its instant (a shared host's), the instant it is released at
 */
public record WorkerEvent(
    String jobId,
    long plannedAt,
    long firedAtMicros,
    long intervalMs,
    String payloadJson,
    String execution) {

  /** DESIGN's worker event: {jobId, plannedAt, firedAt, intervalMs, payload, execution}. */
  public String toJson() {
    StringBuilder json = new StringBuilder(96 + payloadJson.length());
    json.append("{\"jobId\":\"").append(jobId).append("\",\"plannedAt\":").append(plannedAt);
    json.append(",\"firedAt\":").append(firedAtMicros);
    json.append(",\"intervalMs\":").append(intervalMs);
    json.append(",\"payload\":").append(payloadJson);
    json.append(",\"execution\":\"").append(escape(execution)).append("\"}");
    return json.toString();
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
