package dev.subminute.controller.host.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.host.ShardLease;
import dev.subminute.model.testing.SharedDynalite;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The shard leases on dynalite: every race between two hosts has exactly one winner. */
class DynamoShardStoreTest {
  static final AtomicInteger TABLES = new AtomicInteger();

  final DynamoShardStore store =
      new DynamoShardStore(SharedDynalite.client(), "shards-" + TABLES.incrementAndGet())
          .createIfMissing();

  ShardLease shard0() {
    return store.read(1).shard(0);
  }

  @Test
  void a_free_shard_goes_to_one_of_two_hosts_taking_it_as_seen() {
    ShardLease seen = shard0();
    assertTrue(store.take(seen, "a", 10_000, 1));
    assertFalse(store.take(seen, "b", 10_000, 1));
    assertEquals("a", shard0().owner());
    assertEquals(1, shard0().epoch());
  }

  @Test
  void a_renewal_that_lands_first_beats_a_take_of_the_lease_seen_expired() {
    store.take(shard0(), "a", 1_000, 1);
    ShardLease seenExpired = shard0();
    assertTrue(store.renew(0, "a", 1, 20_000));
    assertFalse(store.take(seenExpired, "b", 30_000, 1_001), "b took a lease a had renewed");
    assertEquals("a", shard0().owner());
  }

  @Test
  void a_take_that_lands_first_beats_the_owner_s_renewal() {
    store.take(shard0(), "a", 1_000, 1);
    assertTrue(store.take(shard0(), "b", 30_000, 1_001));
    assertFalse(store.renew(0, "a", 1, 20_000));
    assertEquals("b", shard0().owner());
  }

  @Test
  void a_live_lease_is_never_taken_from_its_owner() {
    store.take(shard0(), "a", 10_000, 1);
    assertFalse(store.take(shard0(), "b", 20_000, 5_000), "b fired from inside a's lease");
    assertEquals("a", shard0().owner());
  }

  @Test
  void an_offer_is_taken_only_by_its_host_and_not_once_withdrawn() {
    store.take(shard0(), "a", 10_000, 1);
    assertTrue(store.offer(0, "a", 1, "b", 5_000));
    ShardLease offered = shard0();
    assertFalse(store.take(offered, "c", 20_000, 5_000), "a host the offer did not name took it");
    assertTrue(store.withdraw(0, "a", 1));
    assertFalse(store.take(offered, "b", 20_000, 5_000), "a withdrawn offer was taken");
    assertTrue(store.offer(0, "a", 1, "b", 6_000));
    assertTrue(store.take(shard0(), "b", 20_000, 6_000));
    ShardLease taken = shard0();
    assertEquals("b", taken.owner());
    assertEquals(6_000, taken.ownerFrom());
    assertNull(taken.nextOwner());
  }

  @Test
  void a_released_shard_keeps_the_instant_its_next_owner_fires_from() {
    store.take(shard0(), "a", 10_000, 1);
    assertTrue(store.release(0, "a", 1, 7_000));
    ShardLease free = shard0();
    assertNull(free.owner());
    assertEquals(7_000, free.ownerFrom());
    assertTrue(store.take(free, "b", 20_000, 7_000));
  }

  @Test
  void heartbeats_are_read_back_and_leaving_removes_them() {
    store.beat("a", 123);
    store.beat("b", 456);
    store.leave("a");
    var hosts = store.read(1).hosts();
    assertEquals(1, hosts.size());
    assertEquals("b", hosts.get(0).hostId());
    assertEquals(456, hosts.get(0).seenAt());
  }
}
