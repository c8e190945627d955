package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.model.Job;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostScalingTest {

  @Test
  void hosts_follow_the_tick_rate_with_a_floor_and_a_ceiling() {
    assertEquals(2, HostScaling.of(0, 1_000, 2, 64, Set.of()).desired());
    assertEquals(3, HostScaling.of(2_001, 1_000, 2, 64, Set.of()).desired());
    assertEquals(64, HostScaling.of(1_000_000, 1_000, 2, 64, Set.of()).desired());
  }

  @Test
  void missing_slots_start_and_slots_above_the_count_stop() {
    HostScaling scaling = HostScaling.of(2_500, 1_000, 2, 64, Set.of(0, 2, 5));
    assertEquals(List.of(1), scaling.start());
    assertEquals(List.of(5), scaling.stop());
  }

  @Test
  void tick_rate_sums_each_running_job_at_its_interval() {
    List<Job> jobs =
        List.of(Job.builder("a", "w", 100).build(), Job.builder("b", "w", 300_000).build());
    assertEquals(10.0 + 1 / 300.0, HostScaling.tickRate(jobs), 1e-9);
  }

  @Test
  void names_keep_their_slot_through_continue_as_new() {
    String started = HostNames.started(3, 29_000_000);
    assertEquals("host-3-g29000000", started);
    assertEquals("host-3-g29000001", HostNames.continued(started));
    assertEquals(3, HostNames.slotNumber(HostNames.continued(started)));
    assertEquals(-1, HostNames.slotNumber("job-7"));
  }
}
