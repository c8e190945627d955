package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import dev.subminute.controller.core.Starter;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StoredJob;
import dev.subminute.model.testing.SharedDynalite;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stream events as Lambda delivers them, parsed by Lambda's own event serializer. */
class StarterHandlerTest {
  JobTable table;
  InMemoryExecutions executions;
  StarterHandler handler;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("starter");
    executions = new InMemoryExecutions();
    handler =
        new StarterHandler(
            new Starter(
                new DynamoJobStore(table),
                executions,
                executions,
                WorkerPolicy.allowing(List.of("log")),
                System::currentTimeMillis));
    for (String id : List.of("poll-1", "broken", "paused")) {
      SharedDynalite.putRaw(table, Map.of("jobId", AttributeValue.fromS(id)));
    }
  }

  /** A starter on this test's table whose wall clock stands at {@code nowMs}. */
  Starter starterAt(long nowMs) {
    return new Starter(
        new DynamoJobStore(table),
        executions,
        executions,
        WorkerPolicy.allowing(List.of("log")),
        () -> nowMs);
  }

  static DynamodbEvent batch() throws Exception {
    try (InputStream in =
        StarterHandlerTest.class.getResourceAsStream("/events/stream-batch.json")) {
      return LambdaEventSerializers.serializerFor(
              DynamodbEvent.class, StarterHandlerTest.class.getClassLoader())
          .fromJson(in);
    }
  }

  @Test
  void insert_of_a_shared_job_starts_one_job_state_machine_execution_under_a_deterministic_name()
      throws Exception {
    StreamsEventResponse response = handler.handleRequest(batch(), null);
    assertEquals(List.of(), response.getBatchItemFailures());
    assertEquals(Map.of(), executions.started, "no dedicated controller for a shared job");
    assertEquals(1, executions.startedShared.size());
    String name = executions.startedShared.keySet().iterator().next();
    assertTrue(name.startsWith("poll-1-"), name);
    assertEquals("poll-1", executions.startedShared.get(name));
  }

  @Test
  void a_dedicated_job_starts_one_controller_execution_under_a_deterministic_name() {
    Starter starter = starterAt(1);
    Map<String, AttributeValue> image = runningImage("own", "DEDICATED");
    assertEquals(Starter.Outcome.STARTED, starter.onRecord("INSERT", "7", StoredJob.of(image)));
    assertEquals(
        Starter.Outcome.ALREADY_STARTED, starter.onRecord("INSERT", "7", StoredJob.of(image)));
    assertEquals(Map.of(), executions.startedShared);
    assertEquals(1, executions.started.size());
    String name = executions.started.keySet().iterator().next();
    assertTrue(name.startsWith("own-"), name);
    ControllerState input = executions.started.get(name);
    assertEquals("own", input.jobId());
    assertEquals(name, input.owner());
  }

  @Test
  void a_redelivered_batch_starts_nothing_new() throws Exception {
    handler.handleRequest(batch(), null);
    handler.handleRequest(batch(), null);
    assertEquals(1, executions.startedShared.size());
    assertEquals(0, executions.started.size());
  }

  @Test
  void a_job_enrolled_on_the_shared_hosts_starts_nothing_whatever_its_placement_now() {
    Starter starter = starterAt(1);
    Map<String, AttributeValue> image = new HashMap<>(runningImage("poll-1", "DEDICATED"));
    image.put(JobTable.TASK_TOKEN, AttributeValue.fromS("token-1"));
    assertEquals(
        Starter.Outcome.ALREADY_RUNNING, starter.onRecord("MODIFY", "8", StoredJob.of(image)));
    assertEquals(Map.of(), executions.started);
    assertEquals(Map.of(), executions.startedShared);
  }

  static Map<String, AttributeValue> runningImage(String jobId, String placement) {
    return Map.of(
        "jobId", AttributeValue.fromS(jobId),
        "workerArn", AttributeValue.fromS("log"),
        "intervalMs", AttributeValue.fromN("1000"),
        "running", AttributeValue.fromBool(true),
        "placement", AttributeValue.fromS(placement));
  }

  @Test
  void a_bad_item_is_marked_invalid_and_never_fails_the_batch() throws Exception {
    StreamsEventResponse response = handler.handleRequest(batch(), null);
    assertEquals(List.of(), response.getBatchItemFailures());
    JobStatusView status = JobStatusView.of(table.get("broken").orElseThrow());
    assertEquals(JobStatus.INVALID, status.status());
    assertTrue(status.statusReason().contains("intervalMs"));
  }

  @Test
  void remove_and_running_false_start_nothing() throws Exception {
    handler.handleRequest(batch(), null);
    assertEquals(List.of("poll-1"), List.copyOf(executions.startedShared.values()));
    assertEquals(Map.of(), executions.started);
  }

  @Test
  void a_job_with_a_live_lease_is_not_started_again() {
    Starter starter =
        new Starter(
            new DynamoJobStore(table),
            executions,
            executions,
            WorkerPolicy.allowing(List.of("log")),
            () -> 1_000);
    Map<String, AttributeValue> image =
        Map.of(
            "jobId", AttributeValue.fromS("poll-1"),
            "workerArn", AttributeValue.fromS("log"),
            "intervalMs", AttributeValue.fromN("1000"),
            "running", AttributeValue.fromBool(true),
            "owner", AttributeValue.fromS("poll-1-abc"),
            "leaseUntil", AttributeValue.fromN("5000"));
    assertEquals(
        Starter.Outcome.ALREADY_RUNNING, starter.onRecord("MODIFY", "9", StoredJob.of(image)));
    assertEquals(0, executions.started.size());
    assertEquals(0, executions.startedShared.size(), "nor on the shared hosts: SHARED by default");
  }

  @Test
  void a_passing_failure_is_reported_for_retry_and_the_rest_of_the_batch_goes_on()
      throws Exception {
    Executions failing =
        new Executions() {
          @Override
          public boolean start(String name, ControllerState input) {
            throw new IllegalStateException("throttled");
          }

          @Override
          public List<RunningExecution> running() {
            return List.of();
          }

          @Override
          public void stop(RunningExecution execution, String cause) {}
        };
    StarterHandler flaky =
        new StarterHandler(
            new Starter(
                new DynamoJobStore(table),
                failing,
                (name, jobId) -> {
                  throw new IllegalStateException("throttled");
                },
                WorkerPolicy.allowing(List.of("log")),
                System::currentTimeMillis));
    StreamsEventResponse response = flaky.handleRequest(batch(), null);
    assertEquals(1, response.getBatchItemFailures().size());
    assertEquals(
        "111000000000000000001", response.getBatchItemFailures().get(0).getItemIdentifier());
    assertEquals(JobStatus.INVALID, JobStatusView.of(table.get("broken").orElseThrow()).status());
  }
}
