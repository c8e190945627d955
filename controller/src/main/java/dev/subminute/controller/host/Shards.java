package dev.subminute.controller.host;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;

/** Which shard a job belongs to: a stable hash of its id, the same in every host and version. */
public final class Shards {
  private Shards() {}

  public static int of(String jobId, int shardCount) {
    int hash = Hashing.murmur3_32_fixed().hashString(jobId, StandardCharsets.UTF_8).asInt();
    return Math.floorMod(hash, shardCount);
  }
}
