package dev.subminute.model.jobs;

import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A new job as its writer states it: id, worker and interval, and the optional attributes of the
 * item. Validated as a whole when it is put, with the same reasons an item written by any other
 * client would get.
 */
public final class JobSpec {
  private final Map<String, AttributeValue> item;

  private JobSpec(Map<String, AttributeValue> item) {
    this.item = Map.copyOf(item);
  }

  /** A job that runs {@code workerArn} every {@code intervalMs}, running once it is put. */
  public static Builder builder(String jobId, String workerArn, long intervalMs) {
    return new Builder(jobId, workerArn, intervalMs);
  }

  String jobId() {
    return item.get("jobId").s();
  }

  String workerArn() {
    return item.get("workerArn").s();
  }

  Map<String, AttributeValue> item() {
    return item;
  }

  /** Sets the optional attributes; JSON arguments are checked for their shape at once. */
  public static final class Builder {
    private final Map<String, AttributeValue> item = new HashMap<>();

    private Builder(String jobId, String workerArn, long intervalMs) {
      item.put("jobId", AttributeValue.fromS(jobId == null ? "" : jobId));
      item.put("workerArn", AttributeValue.fromS(workerArn == null ? "" : workerArn));
      item.put("intervalMs", AttributeValue.fromN(Long.toString(intervalMs)));
      item.put("running", AttributeValue.fromBool(true));
    }

    /** false: written with {@code running = false}, so it waits for a resume. */
    public Builder running(boolean running) {
      item.put("running", AttributeValue.fromBool(running));
      return this;
    }

    public Builder offsetMs(long ms) {
      item.put("offsetMs", AttributeValue.fromN(Long.toString(ms)));
      return this;
    }

    /** The worker's payload, a JSON object such as {@code {"url":"http://127.0.0.1:8080/"}}. */
    public Builder payloadJson(String json) {
      item.put("payload", JsonValues.payload(json));
      return this;
    }

    /** The interval rules, a JSON list such as {@code [{"days":"MON-FRI","from":"08:00",...}]}. */
    public Builder profileJson(String json) {
      item.put("profile", JsonValues.profile(json));
      return this;
    }

    /** The IANA zone of the profile's local times (default UTC). */
    public Builder timezone(String zone) {
      item.put("timezone", AttributeValue.fromS(zone));
      return this;
    }

    /** SKIP (default) or FIRE_ONCE. */
    public Builder misfire(String misfire) {
      item.put("misfire", AttributeValue.fromS(misfire));
      return this;
    }

    public JobSpec build() {
      return new JobSpec(item);
    }
  }
}
