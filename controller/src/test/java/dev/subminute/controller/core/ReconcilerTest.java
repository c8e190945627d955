package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
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
        new Reconciler(
            new DynamoJobStore(table),
            executions,
            executions,
            WorkerPolicy.allowing(List.of("log")),
            () -> NOW);
  }

  /** A job on its own controller: most of these tests are about dedicated executions. */
  void put(String id, boolean running) {
    putShared(id, running);
    setPlacement(id, "DEDICATED");
  }

  void putShared(String id, boolean running) {
    table.putIfAbsent(Job.builder(id, "log", 1000).running(running).build());
  }

  void setPlacement(String id, String placement) {
    SharedDynalite.client()
        .updateItem(
            r ->
                r.tableName(table.name())
                    .key(Map.of("jobId", AttributeValue.fromS(id)))
                    .updateExpression("SET placement = :p")
                    .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(placement))));
  }

  @Test
  void
      a_shared_job_starts_an_execution_of_the_job_state_machine_and_a_dedicated_one_a_controller() {
    putShared("shared", true);
    put("dedicated", true);
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    assertEquals(2, outcome.started());
    String minute = "r" + NOW / 60_000;
    assertEquals(Map.of("shared-" + minute, "shared"), executions.startedShared);
    assertEquals(Set.of("dedicated-" + minute), executions.started.keySet());
    assertEquals("dedicated", executions.started.get("dedicated-" + minute).jobId());
    assertEquals(0, reconciler.reconcileOnce().started(), "the same minute starts nothing twice");
  }

  @Test
  void a_shared_job_held_by_a_live_dedicated_lease_is_not_started_on_the_hosts() {
    putShared("moved", true);
    table.writeStatusAsOwner(
        "moved", "moved-x", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    executions.start("moved-x", ControllerState.start("moved", "moved-x"));
    assertEquals(0, reconciler.reconcileOnce().started());
    assertEquals(Map.of(), executions.startedShared);
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
  void a_job_enrolled_on_the_shared_hosts_gets_no_execution_of_either_placement() {
    put("shared", true);
    SharedDynalite.client()
        .updateItem(
            r ->
                r.tableName(table.name())
                    .key(
                        java.util.Map.of(
                            "jobId",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                "shared")))
                    .updateExpression("SET taskToken = :t")
                    .expressionAttributeValues(
                        java.util.Map.of(
                            ":t",
                            software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(
                                "token-1"))));
    assertEquals(0, reconciler.reconcileOnce().started());
    setPlacement("shared", "SHARED");
    assertEquals(0, reconciler.reconcileOnce().started());
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
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId",
            AttributeValue.fromS("bad"),
            "workerArn",
            AttributeValue.fromS("log"),
            "intervalMs",
            AttributeValue.fromN("5"),
            "running",
            AttributeValue.fromBool(true)));
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

  /** A job parked until a tick an hour away, its lease held by its execution. */
  void parked(String id) {
    put(id, true);
    executions.start(id + "-r1", ControllerState.start(id, id + "-r1"));
    table.writeStatusAsOwner(
        id, id + "-r1", NOW + 3_600_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "parked"));
  }

  void set(String id, String attribute, AttributeValue value) {
    long version =
        Long.parseLong(
            table.get(id).orElseThrow().getOrDefault("version", AttributeValue.fromN("0")).n());
    table.setAttributes(id, Map.of(attribute, value), Set.of(), version);
  }

  @Test
  void stopping_a_parked_job_releases_its_lease_so_running_true_starts_it_again() {
    parked("hourly");
    set("hourly", "running", AttributeValue.fromBool(false));
    assertEquals(1, reconciler.reconcileOnce().orphansStopped());
    reconciler.reconcileOnce();
    JobStatusView stopped = JobStatusView.of(table.get("hourly").orElseThrow());
    assertEquals(JobStatus.STOPPED, stopped.status());
    assertEquals(null, stopped.owner(), "lease released");
    set("hourly", "running", AttributeValue.fromBool(true));
    assertEquals(
        1, reconciler.reconcileOnce().started(), "starts at once, not when the lease ends");
  }

  @Test
  void an_invalid_edit_of_a_parked_job_is_written_and_its_lease_released() {
    parked("edited");
    set("edited", "intervalMs", AttributeValue.fromN("5"));
    reconciler.reconcileOnce();
    reconciler.reconcileOnce();
    JobStatusView invalid = JobStatusView.of(table.get("edited").orElseThrow());
    assertEquals(JobStatus.INVALID, invalid.status());
    assertTrue(invalid.statusReason().contains("intervalMs"), invalid.statusReason());
    assertEquals(null, invalid.owner());
    assertEquals(Set.of(), executions.running.keySet());
  }

  @Test
  void a_lease_of_a_running_execution_is_left_to_it() {
    parked("busy");
    set("busy", "running", AttributeValue.fromBool(false));
    // as if its controller were inside a window: listed as running when the pass begins
    Reconciler keepsListing =
        new Reconciler(
            new DynamoJobStore(table),
            new Executions() {
              @Override
              public boolean start(String name, ControllerState input) {
                return executions.start(name, input);
              }

              @Override
              public List<RunningExecution> running() {
                return List.of(new RunningExecution("busy-r1", "busy-r1", null, null));
              }

              @Override
              public void stop(RunningExecution execution, String cause) {
                executions.stop(execution, cause);
              }
            },
            executions,
            WorkerPolicy.allowing(List.of("log")),
            () -> NOW);
    keepsListing.reconcileOnce();
    assertEquals("busy-r1", JobStatusView.of(table.get("busy").orElseThrow()).owner());
  }
}
