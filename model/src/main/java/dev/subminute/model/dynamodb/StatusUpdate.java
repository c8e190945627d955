package dev.subminute.model.dynamodb;

import dev.subminute.model.JobStatus;

/**
 * What a controller reports on a job's item. Counters are deltas, added to the item's totals, so a
 * retried or concurrent write never loses a count. Null fields are left as they are.
 */
public record StatusUpdate(
    JobStatus status,
    String statusReason,
    Long lastTickAt,
    long ticksDelta,
    long missedDelta,
    long invokeErrorsDelta,
    Double driftP99Ms) {

  public static StatusUpdate of(JobStatus status, String reason) {
    return new StatusUpdate(status, reason, null, 0, 0, 0, null);
  }
}
