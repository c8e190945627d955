package dev.subminute.worker;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.time.Duration;

/**
 * Remembers recent {@code (jobId, plannedAt)} keys: Lambda may deliver an async event more than
 * once, and the pair identifies a tick everywhere.
 */
public final class Duplicates {
  private final Cache<String, Boolean> seen =
      CacheBuilder.newBuilder()
          .maximumSize(200_000)
          .expireAfterWrite(Duration.ofMinutes(10))
          .build();

  /** True the first time a tick is seen, false for a repeat. */
  public boolean firstDelivery(String jobId, long plannedAt) {
    return seen.asMap().putIfAbsent(jobId + '@' + plannedAt, Boolean.TRUE) == null;
  }
}
