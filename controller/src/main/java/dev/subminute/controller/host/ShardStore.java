package dev.subminute.controller.host;

/**
 * Where hosts keep shard leases and heartbeats. Every change is one conditional write on one shard,
 * conditioned on the epoch the caller holds; false means the condition failed (someone else moved
 * first), an exception that storage could not be reached.
 */
public interface ShardStore {

  /** Every shard's lease, in shard order, and the hosts' heartbeats; read consistently. */
  ShardView read(int shardCount);

  void beat(String hostId, long nowMs);

  /** Removes the host's heartbeat, so others stop counting it at once. */
  void leave(String hostId);

  /**
   * Takes a shard exactly as seen: free, offered to {@code hostId}, or owned with a lease that ends
   * before {@code ownerFrom}; epoch + 1. False when the shard changed since it was read.
   */
  boolean take(ShardLease seen, String hostId, long leaseUntil, long ownerFrom);

  boolean renew(int shard, String hostId, long epoch, long leaseUntil);

  /**
   * Offers an owned shard to {@code to}, which fires its planned instants from {@code handoffAt}.
   */
  boolean offer(int shard, String hostId, long epoch, String to, long handoffAt);

  /** Takes back an offer nobody took. */
  boolean withdraw(int shard, String hostId, long epoch);

  /** Frees an owned shard; the next owner fires from {@code ownerFrom}. */
  boolean release(int shard, String hostId, long epoch, long ownerFrom);
}
