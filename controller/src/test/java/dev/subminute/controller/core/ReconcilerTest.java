package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class ReconcilerTest {
  static final long NOW = 1_795_651_200_000L;
  JobTable table;
  InMemoryExecutions executions;
  Reconciler reconciler;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("reconciler");
    executions = new InMemoryExecutions();
    reconciler =
        new Reconciler(table, executions, WorkerPolicy.allowing(List.of("log")), () -> NOW);
  }

  void put(String id, boolean running) {
    table.putIfAbsent(
        JobItem.builder().jobId(id).workerArn("log").intervalMs(1000L).running(running).build());
  }

  @Test
  void starts_jobs_that_should_run_and_have_no_live_execution() {
    put("a", true);
    put("b", true);
    put("paused", false);
    put("leased", true);
    table.writeStatusAsOwner(
        "leased", "leased-x", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    assertEquals(2, outcome.started());
    assertEquals(
        Set.of("a", "b"),
        Set.copyOf(executions.started.values().stream().map(ControllerState::jobId).toList()));
    assertEquals(0, reconciler.reconcileOnce().started(), "a second pass starts nothing twice");
  }

  @Test
  void a_job_whose_lease_ran_out_is_started_again() {
    put("stale", true);
    table.writeStatusAsOwner(
        "stale", "stale-old", NOW - 1, NOW - 60_000, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    assertEquals(1, reconciler.reconcileOnce().started());
  }

  @Test
  void marks_bad_items_invalid_once() {
    table
        .client()
        .putItem(
            r ->
                r.tableName(table.name())
                    .item(
                        Map.of(
                            "jobId",
                            AttributeValue.fromS("bad"),
                            "workerArn",
                            AttributeValue.fromS("log"),
                            "intervalMs",
                            AttributeValue.fromN("5"),
                            "running",
                            AttributeValue.fromBool(true))));
    put("unknown-worker", true);
    table.setAttributes(
        "unknown-worker", Map.of("workerArn", AttributeValue.fromS("nobody")), Set.of(), 1);
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    assertEquals(2, outcome.invalid());
    assertEquals(0, outcome.started());
    JobStatusView bad = JobStatusView.of(table.get("bad").orElseThrow());
    assertEquals(JobStatus.INVALID, bad.status());
    String updatedAt = bad.updatedAt();
    reconciler.reconcileOnce();
    assertEquals(
        updatedAt,
        JobStatusView.of(table.get("bad").orElseThrow()).updatedAt(),
        "no rewrite of the same reason");
    assertTrue(
        JobStatusView.of(table.get("unknown-worker").orElseThrow())
            .statusReason()
            .contains("not among the workers"));
  }

  @Test
  void stops_orphans_whose_job_is_gone_stopped_or_owned_elsewhere() {
    put("kept", true);
    put("paused", false);
    put("taken", true);
    table.writeStatusAsOwner(
        "taken", "taken-winner", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    executions.start("kept-1", ControllerState.start("kept", "kept-1"));
    executions.start("gone-1", ControllerState.start("gone", "gone-1"));
    executions.start("paused-1", ControllerState.start("paused", "paused-1"));
    executions.start("taken-loser", ControllerState.start("taken", "taken-loser"));
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    assertEquals(3, outcome.orphansStopped());
    assertEquals(Set.of("kept-1"), executions.running.keySet());
    assertEquals(0, outcome.started(), "kept has a live execution");
  }
}
