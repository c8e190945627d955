package dev.subminute.controller.host.dynamodb;

import dev.subminute.controller.host.HostBeat;
import dev.subminute.controller.host.ShardLease;
import dev.subminute.controller.host.ShardStore;
import dev.subminute.controller.host.ShardView;
import dev.subminute.model.dynamodb.Tables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;

/**
 * Shard leases and host heartbeats in a small table of their own (key {@code key}: {@code shard#N}
 * or {@code host#ID}), beside the jobs table: a few dozen items, read whole by each host at each
 * renewal, and never seen by anyone listing jobs.
 */
public final class DynamoShardStore implements ShardStore {
  static final String KEY = "key";
  static final String OWNER = "owner";
  static final String LEASE_UNTIL = "leaseUntil";
  static final String EPOCH = "epoch";
  static final String NEXT_OWNER = "nextOwner";
  static final String HANDOFF_AT = "handoffAt";
  static final String OWNER_FROM = "ownerFrom";
  static final String SEEN_AT = "seenAt";

  private final DynamoDbClient client;
  private final String tableName;

  public DynamoShardStore(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  /** The shards table that goes with a jobs table. */
  public static String tableFor(String jobsTable) {
    return jobsTable + "-shards";
  }

  public String tableName() {
    return tableName;
  }

  public DynamoShardStore createIfMissing() {
    Tables.createIfMissing(client, tableName, KEY);
    return this;
  }

  @Override
  public ShardView read(int shardCount) {
    List<ShardLease> shards = new ArrayList<>();
    for (int i = 0; i < shardCount; i++) {
      shards.add(ShardLease.free(i));
    }
    List<HostBeat> hosts = new ArrayList<>();
    client
        .scanPaginator(ScanRequest.builder().tableName(tableName).consistentRead(true).build())
        .items()
        .forEach(
            item -> {
              String key = item.get(KEY).s();
              if (key.startsWith("host#")) {
                hosts.add(new HostBeat(key.substring(5), number(item, SEEN_AT)));
              } else if (key.startsWith("shard#")) {
                int shard = Integer.parseInt(key.substring(6));
                if (shard < shardCount) {
                  shards.set(shard, lease(shard, item));
                }
              }
            });
    return new ShardView(shards, hosts);
  }

  @Override
  public void beat(String hostId, long nowMs) {
    client.putItem(
        r -> r.tableName(tableName).item(Map.of(KEY, s("host#" + hostId), SEEN_AT, n(nowMs))));
  }

  @Override
  public void leave(String hostId) {
    client.deleteItem(r -> r.tableName(tableName).key(Map.of(KEY, s("host#" + hostId))));
  }

  @Override
  public boolean take(ShardLease seen, String hostId, long leaseUntil, long ownerFrom) {
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":me", s(hostId));
    values.put(":lease", n(leaseUntil));
    values.put(":from", n(ownerFrom));
    values.put(":seen", n(seen.epoch()));
    values.put(":next", n(seen.epoch() + 1));
    // the shard exactly as seen: a renewal, withdrawal or release since then makes this fail
    String condition;
    if (seen.epoch() == 0) {
      condition = "attribute_not_exists(#epoch)";
    } else if (hostId.equals(seen.nextOwner())) {
      condition = "#epoch = :seen AND #nextOwner = :me AND #handoff = :handoff";
      values.put(":handoff", n(seen.handoffAt()));
    } else if (seen.owner() == null) {
      condition = "#epoch = :seen AND attribute_not_exists(#owner)";
    } else {
      // an owned shard only once its lease has run out: its next owner fires after the lease end
      condition = "#epoch = :seen AND #lease = :seenLease AND #lease < :from";
      values.put(":seenLease", n(seen.leaseUntil()));
    }
    if (seen.epoch() == 0) {
      values.remove(":seen");
    }
    return update(
        seen.shard(),
        "SET #owner = :me, #lease = :lease, #epoch = :next, #from = :from"
            + " REMOVE #nextOwner, #handoff",
        condition,
        values);
  }

  @Override
  public boolean renew(int shard, String hostId, long epoch, long leaseUntil) {
    return update(
        shard,
        "SET #lease = :lease",
        "#owner = :me AND #epoch = :epoch",
        Map.of(":me", s(hostId), ":epoch", n(epoch), ":lease", n(leaseUntil)));
  }

  @Override
  public boolean offer(int shard, String hostId, long epoch, String to, long handoffAt) {
    return update(
        shard,
        "SET #nextOwner = :to, #handoff = :at",
        "#owner = :me AND #epoch = :epoch",
        Map.of(":me", s(hostId), ":epoch", n(epoch), ":to", s(to), ":at", n(handoffAt)));
  }

  @Override
  public boolean withdraw(int shard, String hostId, long epoch) {
    return update(
        shard,
        "REMOVE #nextOwner, #handoff",
        "#owner = :me AND #epoch = :epoch",
        Map.of(":me", s(hostId), ":epoch", n(epoch)));
  }

  @Override
  public boolean release(int shard, String hostId, long epoch, long ownerFrom) {
    return update(
        shard,
        "SET #from = :from, #lease = :zero REMOVE #owner, #nextOwner, #handoff",
        "#owner = :me AND #epoch = :epoch",
        Map.of(":me", s(hostId), ":epoch", n(epoch), ":from", n(ownerFrom), ":zero", n(0)));
  }

  private boolean update(
      int shard, String expression, String condition, Map<String, AttributeValue> values) {
    Map<String, String> names = new HashMap<>();
    for (String[] name :
        new String[][] {
          {"#owner", OWNER},
          {"#lease", LEASE_UNTIL},
          {"#epoch", EPOCH},
          {"#nextOwner", NEXT_OWNER},
          {"#handoff", HANDOFF_AT},
          {"#from", OWNER_FROM}
        }) {
      if (expression.contains(name[0]) || condition.contains(name[0])) {
        names.put(name[0], name[1]);
      }
    }
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(KEY, s("shard#" + shard)))
                  .updateExpression(expression)
                  .conditionExpression(condition)
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException lost) {
      return false;
    }
  }

  private static ShardLease lease(int shard, Map<String, AttributeValue> item) {
    return new ShardLease(
        shard,
        string(item, OWNER),
        number(item, LEASE_UNTIL),
        number(item, EPOCH),
        string(item, NEXT_OWNER),
        number(item, HANDOFF_AT),
        number(item, OWNER_FROM));
  }

  private static String string(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null ? null : v.s();
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue v = item.get(name);
    return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
