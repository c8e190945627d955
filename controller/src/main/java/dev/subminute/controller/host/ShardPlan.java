package dev.subminute.controller.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one host does at a lease tick, decided from the shards and heartbeats as read: pure, so that
 * every rule of sharing is a unit test.
 *
 * <p>Each live host has a target share: the shards divided evenly among the live hosts in order of
 * their ids, so every host computes the same targets and no two fight over a shard. A host below
 * its target takes offered, free and expired shards; a host above it offers its extra shards to
 * hosts below theirs, to change hands at a planned instant a little ahead; a leaving host has a
 * target of zero.
 *
 * @param renew the shards this host holds, to renew
 * @param take shards to take: offered to this host, free, or with a lease that ran out
 * @param offer shards to offer, each to the host named
 * @param withdraw offers nobody took in time, to take back
 */
public record ShardPlan(
    List<ShardLease> renew, List<ShardLease> take, List<Offer> offer, List<ShardLease> withdraw) {

  public record Offer(ShardLease lease, String to) {}

  public static ShardPlan of(
      ShardView view,
      String me,
      long nowMs,
      long liveWithinMs,
      long offerGraceMs,
      boolean leaving) {
    List<String> live =
        view.hosts().stream()
            .filter(h -> h.hostId().equals(me) ? !leaving : h.seenAt() > nowMs - liveWithinMs)
            .map(HostBeat::hostId)
            .distinct()
            .sorted()
            .toList();
    Map<String, Integer> target = targets(view.shards().size(), live);
    Map<String, Integer> held = new HashMap<>();
    List<ShardLease> renew = new ArrayList<>();
    List<ShardLease> withdraw = new ArrayList<>();
    List<ShardLease> offeredToMe = new ArrayList<>();
    List<ShardLease> takeable = new ArrayList<>();
    for (ShardLease lease : view.shards()) {
      String holder = lease.nextOwner() != null ? lease.nextOwner() : lease.owner();
      if (holder != null && !lease.expiredAt(nowMs)) {
        held.merge(holder, 1, Integer::sum);
      }
      if (me.equals(lease.owner())) {
        renew.add(lease);
        boolean stale =
            lease.handoffAt() + offerGraceMs < nowMs || !live.contains(lease.nextOwner());
        if (lease.nextOwner() != null && stale) {
          withdraw.add(lease);
        }
      } else if (me.equals(lease.nextOwner())) {
        offeredToMe.add(lease);
      } else if (lease.owner() == null || lease.expiredAt(nowMs)) {
        takeable.add(lease);
      }
    }
    List<ShardLease> keeping = new ArrayList<>();
    renew.stream().filter(l -> l.nextOwner() == null).forEach(keeping::add);
    int mine = keeping.size() + offeredToMe.size();
    int myTarget = target.getOrDefault(me, 0);
    List<ShardLease> take = new ArrayList<>(offeredToMe);
    if (!leaving) {
      for (int i = 0; i < takeable.size() && mine < myTarget; i++, mine++) {
        take.add(takeable.get(i));
      }
    }
    List<Offer> offer = new ArrayList<>();
    int excess = mine - myTarget;
    if (excess > 0) {
      List<ShardLease> offerable = new ArrayList<>(keeping);
      Collections.reverse(offerable); // the highest shards move, so a rejoining host gets them back
      int next = 0;
      for (String host : live) {
        if (host.equals(me)) {
          continue;
        }
        int deficit = target.get(host) - held.getOrDefault(host, 0);
        for (; deficit > 0 && excess > 0 && next < offerable.size(); deficit--, excess--) {
          offer.add(new Offer(offerable.get(next++), host));
        }
      }
    }
    return new ShardPlan(renew, take, offer, withdraw);
  }

  /** Shards per live host: an even split, the remainder to the first hosts in id order. */
  static Map<String, Integer> targets(int shards, List<String> live) {
    Map<String, Integer> target = new HashMap<>();
    for (int i = 0; i < live.size(); i++) {
      target.put(live.get(i), shards / live.size() + (i < shards % live.size() ? 1 : 0));
    }
    return target;
  }
}
