package dev.subminute.controller.host;

/**
 * One shard's lease as stored: who fires its jobs and from which planned instant on.
 *
 * @param owner the host holding the shard, null when free
 * @param leaseUntil wall-clock epoch ms until which the owner may fire without renewing
 * @param epoch bumped by every take: a renewal or offer names the epoch it holds (the fencing
 *     token)
 * @param nextOwner the host the owner offered the shard to, null when none
 * @param handoffAt for an offer, the planned instant from which the next owner fires
 * @param ownerFrom the first planned instant the current (or next, when free) owner may fire
 */
public record ShardLease(
    int shard,
    String owner,
    long leaseUntil,
    long epoch,
    String nextOwner,
    long handoffAt,
    long ownerFrom) {

  public static ShardLease free(int shard) {
    return new ShardLease(shard, null, 0, 0, null, 0, 0);
  }

  public boolean expiredAt(long nowMs) {
    return owner != null && leaseUntil < nowMs;
  }
}
