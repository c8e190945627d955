package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.testing.LocalController;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Controller windows on the real clock against dynalite; timing bounds here are generous. */
class ControllerTest {
  JobTable table;
  LocalController local;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("controller");
    local = new LocalController(table, LocalController.FAST);
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  void put(String id, String worker, long interval, boolean running) {
    table.putIfAbsent(Job.builder(id, worker, interval).running(running).build());
  }

  ControllerState window(String id, String owner, long ms) throws Exception {
    return local
        .controller
        .runWindow(ControllerState.start(id, owner), local.windowEnd(ms))
        .get(ms + 10_000, TimeUnit.MILLISECONDS);
  }

  @Test
  void a_window_fires_on_the_grid_and_reports_status() throws Exception {
    put("tick", "log", 200, true);
    ControllerState out = window("tick", "exec-a", 1_000);
    assertEquals(WindowResult.Action.CONTINUE, out.action());
    int fired = local.invoker.events.size();
    assertTrue(fired >= 4 && fired <= 5, "fired " + fired);
    local.invoker.events.forEach(e -> assertEquals(0, e.plannedAt() % 200));
    assertEquals(local.invoker.events.get(fired - 1).plannedAt(), out.lastPlannedAt());
    JobStatusView status = JobStatusView.of(table.get("tick").orElseThrow());
    assertEquals(JobStatus.RUNNING, status.status());
    assertEquals(fired, status.ticks());
    assertEquals("exec-a", status.owner());
    assertEquals(out.lastPlannedAt(), status.lastTickAt());
  }

  @Test
  void two_controllers_for_one_job_at_once_only_one_fires() throws Exception {
    put("fenced", "log", 100, true);
    CompletableFuture<ControllerState> a =
        local.controller.runWindow(ControllerState.start("fenced", "exec-a"), local.windowEnd(800));
    CompletableFuture<ControllerState> b =
        local.controller.runWindow(ControllerState.start("fenced", "exec-b"), local.windowEnd(800));
    ControllerState outA = a.get(10, TimeUnit.SECONDS);
    ControllerState outB = b.get(10, TimeUnit.SECONDS);
    assertEquals(
        Set.of(WindowResult.Action.CONTINUE, WindowResult.Action.STOP),
        Set.of(outA.action(), outB.action()));
    ControllerState loser = outA.action() == WindowResult.Action.STOP ? outA : outB;
    ControllerState winner = outA.action() == WindowResult.Action.STOP ? outB : outA;
    assertTrue(loser.reason().contains("owned by " + winner.owner()), loser.reason());
    assertTrue(local.invoker.events.stream().allMatch(e -> e.execution().equals(winner.owner())));
    assertEquals(
        local.invoker.events.size(),
        local.invoker.events.stream().map(e -> e.plannedAt()).distinct().count());
  }

  @Test
  void an_invalid_item_fires_nothing_and_says_why() throws Exception {
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId", AttributeValue.fromS("bad"),
            "workerArn", AttributeValue.fromS("log"),
            "intervalMs", AttributeValue.fromS("100"),
            "running", AttributeValue.fromBool(true)));
    ControllerState out = window("bad", "exec-a", 500);
    assertEquals(WindowResult.Action.STOP, out.action());
    assertEquals(0, local.invoker.events.size());
    JobStatusView status = JobStatusView.of(table.get("bad").orElseThrow());
    assertEquals(JobStatus.INVALID, status.status());
    assertTrue(
        status.statusReason().startsWith("intervalMs is required as a number (N)"),
        status.statusReason());
  }

  @Test
  void a_worker_outside_the_allow_list_is_never_invoked() throws Exception {
    put("sneaky", "arn:aws:lambda:us-east-1:123456789012:function:other", 100, true);
    ControllerState out = window("sneaky", "exec-a", 500);
    assertEquals(WindowResult.Action.STOP, out.action());
    assertEquals(0, local.invoker.events.size());
    JobStatusView status = JobStatusView.of(table.get("sneaky").orElseThrow());
    assertEquals(JobStatus.INVALID, status.status());
    assertTrue(status.statusReason().contains("not among the workers this deployment may invoke"));
  }

  @Test
  void an_allowed_arn_pattern_is_invoked() throws Exception {
    put("allowed", "arn:aws:lambda:us-east-1:123456789012:function:allowed-probe", 100, true);
    assertEquals(WindowResult.Action.CONTINUE, window("allowed", "exec-a", 500).action());
    assertTrue(local.invoker.events.size() >= 3);
  }

  @Test
  void running_false_ends_the_window_within_a_second() throws Exception {
    put("stopme", "log", 100, true);
    CompletableFuture<ControllerState> run =
        local.controller.runWindow(
            ControllerState.start("stopme", "exec-a"), local.windowEnd(30_000));
    Thread.sleep(500);
    table.setAttributes("stopme", Map.of("running", AttributeValue.fromBool(false)), Set.of(), 1);
    long stoppedAt = System.currentTimeMillis();
    ControllerState out = run.get(5, TimeUnit.SECONDS);
    assertEquals(WindowResult.Action.STOP, out.action());
    long lastFiredPlanned = local.invoker.events.get(local.invoker.events.size() - 1).plannedAt();
    assertTrue(
        lastFiredPlanned - stoppedAt < 1_000,
        "fired until " + (lastFiredPlanned - stoppedAt) + " ms after the stop");
    JobStatusView status = JobStatusView.of(table.get("stopme").orElseThrow());
    assertEquals(JobStatus.STOPPED, status.status());
    assertNull(status.owner());
    assertEquals(local.invoker.events.size(), status.ticks());
  }

  @Test
  void a_deleted_item_ends_the_window() throws Exception {
    put("deleteme", "log", 100, true);
    CompletableFuture<ControllerState> run =
        local.controller.runWindow(
            ControllerState.start("deleteme", "exec-a"), local.windowEnd(30_000));
    Thread.sleep(300);
    table.delete("deleteme");
    assertEquals(WindowResult.Action.STOP, run.get(5, TimeUnit.SECONDS).action());
    assertTrue(table.get("deleteme").isEmpty(), "a status write must not recreate the item");
  }

  @Test
  void a_new_interval_applies_at_the_next_tick_boundary() throws Exception {
    put("retime", "log", 500, true);
    CompletableFuture<ControllerState> run =
        local.controller.runWindow(
            ControllerState.start("retime", "exec-a"), local.windowEnd(3_000));
    Thread.sleep(1_100);
    table.setAttributes("retime", Map.of("intervalMs", AttributeValue.fromN("300")), Set.of(), 1);
    run.get(10, TimeUnit.SECONDS);
    List<Long> planned = local.invoker.events.stream().map(e -> e.plannedAt()).toList();
    assertEquals(500, planned.get(1) - planned.get(0));
    assertEquals(300, planned.get(planned.size() - 1) - planned.get(planned.size() - 2));
    assertEquals(0, planned.get(planned.size() - 1) % 300);
  }

  @Test
  void a_far_next_tick_parks_the_job_in_wait_and_keeps_the_lease() throws Exception {
    put("slow", "log", 3_600_000, true);
    ControllerState out = window("slow", "exec-a", 2_000);
    assertEquals(WindowResult.Action.WAIT, out.action());
    long nextHour = (System.currentTimeMillis() / 3_600_000 + 1) * 3_600_000;
    assertEquals(nextHour - LocalController.FAST.approachLeadMs(), out.resumeAtMs());
    assertEquals(java.time.Instant.ofEpochMilli(out.resumeAtMs()).toString(), out.resumeAt());
    JobStatusView status = JobStatusView.of(table.get("slow").orElseThrow());
    assertTrue(status.leaseUntil() > out.resumeAtMs(), "nobody takes the job while it waits");
  }

  @Test
  void a_window_ticks_on_the_last_known_job_while_storage_is_out_of_reach() throws Exception {
    put("outage", "log", 100, true);
    ControllerState state = ControllerState.start("outage", "exec-a");
    state = local.controller.runWindow(state, local.windowEnd(500)).get(10, TimeUnit.SECONDS);
    int firedBefore = local.invoker.events.size();
    local.store.down = true;
    Thread.sleep(LocalController.FAST.refreshMs() * 2); // no handover: the window reads the item

    state = local.controller.runWindow(state, local.windowEnd(500)).get(10, TimeUnit.SECONDS);

    assertEquals(WindowResult.Action.CONTINUE, state.action());
    assertTrue(local.invoker.events.size() - firedBefore >= 3, "fired on while storage was down");
    assertTrue(state.unreportedTicks() > 0, "the counts wait for storage to come back");
  }

  @Test
  void windows_hand_over_on_the_grid_without_repeating_a_tick() throws Exception {
    put("relay", "log", 100, true);
    ControllerState state = ControllerState.start("relay", "exec-a");
    for (int i = 0; i < 3; i++) {
      state = local.controller.runWindow(state, local.windowEnd(600)).get(10, TimeUnit.SECONDS);
      assertEquals(WindowResult.Action.CONTINUE, state.action());
    }
    List<Long> planned = local.invoker.events.stream().map(e -> e.plannedAt()).toList();
    assertEquals(planned.size(), planned.stream().distinct().count());
    for (int i = 1; i < planned.size(); i++) {
      assertEquals(100, planned.get(i) - planned.get(i - 1), "no gap at the handovers: " + planned);
    }
    assertEquals(3, state.windows());
  }
}
