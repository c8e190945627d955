package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.controller.testing.LocalController;
import dev.subminute.controller.testing.TestLambdaContext;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The task's JSON contract with the state machine, through the Lambda stream handler. */
class ControllerHandlerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  JobTable table;
  LocalController local;
  InMemoryExecutions executions;
  ControllerHandler handler;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("handler");
    local = new LocalController(table, LocalController.FAST);
    executions = new InMemoryExecutions();
    Reconciler reconciler =
        new Reconciler(
            new DynamoJobStore(table),
            executions,
            executions,
            WorkerPolicy.allowing(List.of("log")),
            System::currentTimeMillis);
    handler = new ControllerHandler(local.controller, arn -> reconciler, local.time);
  }

  @AfterEach
  void tearDown() {
    local.close();
  }

  JsonNode call(String json, long remainingMs) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        out,
        new TestLambdaContext(remainingMs));
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void state_machine_input_runs_a_window_and_returns_continue_with_the_last_tick()
      throws Exception {
    table.putIfAbsent(Job.builder("j", "log", 200).build());
    JsonNode out = call("{\"input\": {\"jobId\": \"j\"}, \"executionName\": \"j-abc\"}", 900_000);
    assertEquals("CONTINUE", out.get("action").asText());
    assertEquals("j-abc", out.get("owner").asText());
    assertEquals(1, out.get("windows").asInt());
    assertEquals(0, out.get("lastPlannedAt").asLong() % 200);
    assertTrue(out.get("lastPlannedAt").asLong() > System.currentTimeMillis() - 1_000);
    assertEquals(false, out.get("continueAsNew").asBoolean());
  }

  @Test
  void the_window_ends_before_the_lambda_runs_out_of_time() throws Exception {
    table.putIfAbsent(Job.builder("short", "log", 100).build());
    long start = System.nanoTime();
    JsonNode out =
        call(
            "{\"jobId\": \"short\", \"owner\": \"short-1\"}",
            ControllerHandler.REMAINING_TIME_MARGIN_MS + 500);
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertEquals("CONTINUE", out.get("action").asText());
    assertTrue(tookMs < 2_000, "took " + tookMs + " ms with 500 ms to spare");
  }

  @Test
  void output_feeds_the_next_window_unchanged() throws Exception {
    table.putIfAbsent(Job.builder("loop", "log", 100).build());
    JsonNode first =
        call(
            "{\"jobId\": \"loop\", \"owner\": \"loop-1\"}",
            ControllerHandler.REMAINING_TIME_MARGIN_MS + 400);
    JsonNode second =
        call(JSON.writeValueAsString(first), ControllerHandler.REMAINING_TIME_MARGIN_MS + 400);
    assertEquals(2, second.get("windows").asInt());
    assertTrue(second.get("lastPlannedAt").asLong() > first.get("lastPlannedAt").asLong());
  }

  @Test
  void an_execution_started_by_hand_with_no_input_reconciles_every_job() throws Exception {
    table.putIfAbsent(Job.builder("a", "log", 1000).build());
    table.putIfAbsent(Job.builder("b", "log", 1000).build());
    table.putIfAbsent(Job.builder("c", "log", 1000).running(false).build());
    JsonNode out = call("{}", 900_000);
    assertEquals("STOP", out.get("action").asText());
    assertTrue(out.get("reason").asText().contains("started 2"), out.toString());
    assertEquals(2, executions.startedShared.size(), "shared jobs: the job state machine's");
  }

  /** The state of an execution whose next window is its last before it continues as new. */
  static ControllerState lastWindowBeforeContinuing(String jobId, String owner) {
    return new ControllerState(
        jobId,
        owner,
        null,
        LocalController.FAST.windowsPerExecution() - 1,
        0,
        null,
        null,
        null,
        null,
        0,
        0,
        false,
        null);
  }

  @Test
  void continue_as_new_is_asked_for_before_the_history_limit() throws Exception {
    table.putIfAbsent(Job.builder("old", "log", 100).build());
    ControllerState state = lastWindowBeforeContinuing("old", "old-1");
    JsonNode out =
        call(JSON.writeValueAsString(state), ControllerHandler.REMAINING_TIME_MARGIN_MS + 300);
    assertEquals(true, out.get("continueAsNew").asBoolean());
    assertEquals("old-1-g1", out.get("nextExecutionName").asText());
  }

  @Test
  void a_parked_execution_continues_as_new_before_the_history_limit_too() throws Exception {
    // its next tick half an hour away whenever the test runs: on whole hours it would fall within
    // the park threshold in the last seconds before one
    long halfAnHourAhead = Math.floorMod(System.currentTimeMillis() + 1_800_000, 3_600_000);
    table.putIfAbsent(Job.builder("hourly", "log", 3_600_000).offsetMs(halfAnHourAhead).build());
    ControllerState state = lastWindowBeforeContinuing("hourly", "hourly-1");
    JsonNode out = call(JSON.writeValueAsString(state), 900_000);
    assertEquals("WAIT", out.get("action").asText());
    assertEquals(true, out.get("continueAsNew").asBoolean());
    assertEquals("hourly-1-g1", out.get("nextExecutionName").asText());
  }
}
