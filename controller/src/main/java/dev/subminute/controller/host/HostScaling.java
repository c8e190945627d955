package dev.subminute.controller.host;

import dev.subminute.model.Job;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How many host slots should run, and which to start or stop: pure, from the running jobs' tick
 * rate and the target rate per host. Slots are numbered from 0; a slot is one chain of host
 * executions ({@link HostNames}). At least {@code minHosts} run, so that when one host dies the
 * others take its shards within a lease period.
 *
 * @param start slots with no running execution that should run
 * @param stop running slots above the desired count; their hosts hand over as at a window end
 */
public record HostScaling(int desired, List<Integer> start, List<Integer> stop) {

  /** Ticks per second of the jobs, each at the interval its item gives. */
  public static double tickRate(Collection<Job> running) {
    return running.stream().mapToDouble(job -> 1_000.0 / job.intervalMs()).sum();
  }

  public static HostScaling of(
      double ticksPerSecond,
      double targetPerHost,
      int minHosts,
      int maxHosts,
      Set<Integer> running) {
    int wanted = (int) Math.ceil(ticksPerSecond / targetPerHost);
    int desired = Math.min(maxHosts, Math.max(minHosts, wanted));
    List<Integer> start = new ArrayList<>();
    for (int slot = 0; slot < desired; slot++) {
      if (!running.contains(slot)) {
        start.add(slot);
      }
    }
    List<Integer> stop = running.stream().filter(slot -> slot >= desired).sorted().toList();
    return new HostScaling(desired, start, stop);
  }
}
