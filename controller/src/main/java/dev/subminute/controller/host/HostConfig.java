package dev.subminute.controller.host;

/**
 * How hosts share shards.
 *
 * @param shards how many shards the jobs are hashed into: the unit that moves between hosts
 * @param leaseMs how long a shard lease lasts without renewal; a dead host's shards move after it
 * @param renewMs how often a host renews its leases, reads the others' and rebalances
 * @param fenceMarginMs a host stops firing a shard this long before its lease could run out,
 *     counted from when the last successful renewal was sent: covers clock skew between hosts
 * @param handoffLeadMs an offered shard changes hands this far ahead, so that the next owner has
 *     its timers ready and no tick is missed or fired twice
 * @param statusFlushMs how often each job's counts are written to its item
 */
public record HostConfig(
    int shards,
    long leaseMs,
    long renewMs,
    long fenceMarginMs,
    long handoffLeadMs,
    long statusFlushMs) {

  public HostConfig {
    if (handoffLeadMs + renewMs >= leaseMs - fenceMarginMs) {
      throw new IllegalArgumentException(
          "handoffLeadMs + renewMs must be below leaseMs - fenceMarginMs");
    }
  }

  /** The embedded runtime: few shards (each renewal is a write on dynalite), 10 s leases. */
  public static HostConfig embedded() {
    return new HostConfig(16, 10_000, 1_000, 3_000, 3_000, 60_000);
  }

  public HostConfig withShards(int n) {
    return new HostConfig(n, leaseMs, renewMs, fenceMarginMs, handoffLeadMs, statusFlushMs);
  }

  public HostConfig withLeaseMs(long ms) {
    return new HostConfig(shards, ms, renewMs, fenceMarginMs, handoffLeadMs, statusFlushMs);
  }

  public HostConfig withStatusFlushMs(long ms) {
    return new HostConfig(shards, leaseMs, renewMs, fenceMarginMs, handoffLeadMs, ms);
  }
}
