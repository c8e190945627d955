package dev.subminute.worker.kit;

/**
 * Where a worker records the ticks it ran, across invocations and containers, keyed by {@code
 * (jobId, plannedAt)}.
 */
public interface TickLedger {

  /**
   * Records the tick unless it is recorded already.
   *
   * @return true if this call recorded it (the first delivery), false if it was recorded before
   * @throws RuntimeException when the ledger cannot be reached
   */
  boolean recordFirst(String jobId, long plannedAt);

  /** Removes the tick's record, so that a redelivery runs it again. */
  void forget(String jobId, long plannedAt);
}
