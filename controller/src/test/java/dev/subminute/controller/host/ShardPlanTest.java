package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
  static final long NOW = 1_000_000;
  static final long LEASE = 10_000;

  static ShardView view(Map<Integer, ShardLease> leases, int shards, String... hosts) {
    List<ShardLease> all = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      all.add(leases.getOrDefault(i, ShardLease.free(i)));
    }
    List<HostBeat> beats = new ArrayList<>();
    for (String host : hosts) {
      beats.add(new HostBeat(host, NOW - 500));
    }
    return new ShardView(all, beats);
  }

  static ShardLease owned(int shard, String owner) {
    return new ShardLease(shard, owner, NOW + LEASE, 3, null, 0, 0);
  }

  static ShardPlan plan(ShardView view, String me, boolean leaving) {
    return ShardPlan.of(view, me, NOW, LEASE, 3_000, leaving);
  }

  @Test
  void a_lone_host_takes_every_free_shard() {
    ShardPlan plan = plan(view(Map.of(), 8, "a"), "a", false);
    assertEquals(8, plan.take().size());
    assertTrue(plan.offer().isEmpty());
  }

  @Test
  void targets_split_evenly_in_host_id_order() {
    assertEquals(Map.of("a", 3, "b", 3, "c", 2), ShardPlan.targets(8, List.of("a", "b", "c")));
  }

  @Test
  void a_host_above_its_share_offers_the_extra_shards_to_the_new_host() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      leases.put(i, owned(i, "a"));
    }
    ShardPlan plan = plan(view(leases, 8, "a", "b"), "a", false);
    assertEquals(8, plan.renew().size());
    assertEquals(4, plan.offer().size());
    plan.offer().forEach(o -> assertEquals("b", o.to()));
    // the new host takes nothing held: it waits for the offers
    assertTrue(plan(view(leases, 8, "a", "b"), "b", false).take().isEmpty());
  }

  @Test
  void an_offered_shard_is_taken_by_the_host_it_was_offered_to_and_nobody_else() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    leases.put(0, new ShardLease(0, "a", NOW + LEASE, 3, "b", NOW + 3_000, 0));
    leases.put(1, owned(1, "a"));
    assertEquals(List.of(0), shards(plan(view(leases, 2, "a", "b", "c"), "b", false).take()));
    assertTrue(plan(view(leases, 2, "a", "b", "c"), "c", false).take().isEmpty());
  }

  @Test
  void an_expired_lease_is_taken_but_a_live_one_never() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    leases.put(0, new ShardLease(0, "dead", NOW - 1, 3, null, 0, 0));
    leases.put(1, owned(1, "b"));
    ShardPlan plan = plan(view(leases, 2, "a", "b"), "a", false);
    assertEquals(List.of(0), shards(plan.take()));
  }

  @Test
  void a_leaving_host_offers_everything_and_takes_nothing() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      leases.put(i, owned(i, "a"));
    }
    ShardPlan plan = plan(view(leases, 6, "a", "b"), "a", true);
    assertTrue(plan.take().isEmpty());
    assertEquals(4, plan.offer().size());
  }

  @Test
  void an_offer_not_taken_in_time_is_withdrawn() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    leases.put(0, new ShardLease(0, "a", NOW + LEASE, 3, "b", NOW - 4_000, 0));
    assertEquals(List.of(0), shards(plan(view(leases, 1, "a", "b"), "a", false).withdraw()));
  }

  @Test
  void an_offer_to_a_host_that_went_away_is_withdrawn() {
    Map<Integer, ShardLease> leases = new HashMap<>();
    leases.put(0, new ShardLease(0, "a", NOW + LEASE, 3, "gone", NOW + 2_000, 0));
    assertEquals(List.of(0), shards(plan(view(leases, 1, "a"), "a", false).withdraw()));
  }

  @Test
  void hosts_that_stopped_beating_get_no_share() {
    ShardView view =
        new ShardView(
            List.of(ShardLease.free(0), ShardLease.free(1)),
            List.of(new HostBeat("a", NOW), new HostBeat("old", NOW - LEASE - 1)));
    assertEquals(2, plan(view, "a", false).take().size());
  }

  static List<Integer> shards(List<ShardLease> leases) {
    return leases.stream().map(ShardLease::shard).toList();
  }
}
