package dev.subminute.controller.host;

import dev.subminute.model.JobStatus;

/**
 * What a host has to write on one job's item: a status (or none) and counts to add. Changes for the
 * same job merge, so a write that waits, or fails and is retried, loses no count.
 *
 * @param status null to leave the status as it is
 * @param whileRunning the status is written only if the item's {@code running} still has this
 *     value, so a write that waited can never undo a newer user edit (null: no condition)
 */
public record StatusChange(
    JobStatus status,
    String reason,
    Boolean whileRunning,
    Long lastTickAt,
    long ticks,
    long missed,
    long invokeErrors,
    Double driftP99Ms) {

  public static StatusChange status(JobStatus status, String reason, Boolean whileRunning) {
    return new StatusChange(status, reason, whileRunning, null, 0, 0, 0, null);
  }

  public static StatusChange counts(
      Long lastTickAt, long ticks, long missed, long invokeErrors, Double driftP99Ms) {
    return new StatusChange(null, null, null, lastTickAt, ticks, missed, invokeErrors, driftP99Ms);
  }

  /** This change followed by {@code newer}: the newer status wins, counts add up. */
  public StatusChange then(StatusChange newer) {
    boolean newerStatus = newer.status != null;
    return new StatusChange(
        newerStatus ? newer.status : status,
        newerStatus ? newer.reason : reason,
        newerStatus ? newer.whileRunning : whileRunning,
        later(lastTickAt, newer.lastTickAt),
        ticks + newer.ticks,
        missed + newer.missed,
        invokeErrors + newer.invokeErrors,
        newer.driftP99Ms != null ? newer.driftP99Ms : driftP99Ms);
  }

  private static Long later(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Long.valueOf(Math.max(a, b));
  }

  public boolean hasCounts() {
    return ticks != 0 || missed != 0 || invokeErrors != 0 || lastTickAt != null;
  }

  public StatusChange countsOnly() {
    return counts(lastTickAt, ticks, missed, invokeErrors, driftP99Ms);
  }
}
