package dev.subminute.controller.core;

/**
 * Which planned instants a timer may fire: those from {@link #fromMs()} (inclusive) to {@link
 * #untilMs()} (exclusive), and only while the monotonic clock is before {@link #validUntilNanos()}.
 * A shared host holds one fence per shard: the first two bound a handover (what the previous owner
 * fired, what the next owner fires), the last is the lease as this host last confirmed it, so that
 * a host whose renewals stop reaching storage stops firing before the lease can pass to another
 * host. Read on the timer thread, written by the host's lease thread.
 */
public final class Fence {
  /** No bounds: a dedicated window, fenced by its per-job lease instead. */
  public static final Fence OPEN = new Fence(Long.MIN_VALUE, false);

  private volatile long fromMs;
  private volatile long untilMs;
  private volatile long validUntilNanos;
  private volatile boolean confirmed;
  private final boolean bounded;

  private Fence(long fromMs, boolean bounded) {
    this.fromMs = fromMs;
    this.untilMs = Long.MAX_VALUE;
    this.bounded = bounded;
  }

  /** A fence that lets nothing fire until {@link #confirm(long)} is called. */
  public static Fence from(long fromMs) {
    return new Fence(fromMs, true);
  }

  public long fromMs() {
    return fromMs;
  }

  public long untilMs() {
    return untilMs;
  }

  /** The lease was confirmed: firing may go on until the monotonic instant given. */
  public void confirm(long validUntilNanos) {
    this.validUntilNanos = validUntilNanos;
    this.confirmed = true;
  }

  /** The shard passes to another host from this planned instant on. */
  public void endAt(long untilMs) {
    this.untilMs = untilMs;
  }

  /** The handover was taken back: this host keeps firing. */
  public void reopen() {
    this.untilMs = Long.MAX_VALUE;
  }

  /** Stop firing at once (the lease was lost). */
  public void revoke() {
    this.confirmed = false;
    this.untilMs = Long.MIN_VALUE;
  }

  boolean valid(long nowNanos) {
    return !bounded || (confirmed && validUntilNanos - nowNanos > 0);
  }
}
