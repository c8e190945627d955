package dev.subminute.controller.host;

import java.util.List;

/** Every shard's lease (free ones included, in shard order) and every host's heartbeat. */
public record ShardView(List<ShardLease> shards, List<HostBeat> hosts) {
  public ShardView {
    shards = List.copyOf(shards);
    hosts = List.copyOf(hosts);
  }

  public ShardLease shard(int shard) {
    return shards.get(shard);
  }
}
