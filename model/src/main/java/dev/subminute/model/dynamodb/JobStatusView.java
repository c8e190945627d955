package dev.subminute.model.dynamodb;

import dev.subminute.model.JobStatus;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The status attributes the system writes on a job item, read leniently from any item. */
public record JobStatusView(
    JobStatus status,
    String statusReason,
    String owner,
    long leaseUntil,
    long lastTickAt,
    long ticks,
    long missedTicks,
    long invokeErrors,
    double driftP99Ms,
    String updatedAt) {

  public static JobStatusView of(Map<String, AttributeValue> item) {
    return new JobStatusView(
        status(item.get(JobTable.STATUS)),
        string(item.get(JobTable.STATUS_REASON)),
        string(item.get(JobTable.OWNER)),
        number(item.get(JobTable.LEASE_UNTIL)),
        number(item.get(JobTable.LAST_TICK_AT)),
        number(item.get(JobTable.TICKS)),
        number(item.get(JobTable.MISSED_TICKS)),
        number(item.get(JobTable.INVOKE_ERRORS)),
        decimal(item.get(JobTable.DRIFT_P99_MS)),
        string(item.get(JobTable.UPDATED_AT)));
  }

  /** Whether another owner than {@code me} holds a lease that has not run out at {@code nowMs}. */
  public boolean leasedByOtherThan(String me, long nowMs) {
    return owner != null && !owner.equals(me) && leaseUntil > nowMs;
  }

  private static JobStatus status(AttributeValue v) {
    String s = string(v);
    if (s == null) {
      return null;
    }
    try {
      return JobStatus.valueOf(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String string(AttributeValue v) {
    return v == null ? null : v.s();
  }

  private static long number(AttributeValue v) {
    try {
      return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double decimal(AttributeValue v) {
    try {
      return v == null || v.n() == null ? 0 : Double.parseDouble(v.n());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
