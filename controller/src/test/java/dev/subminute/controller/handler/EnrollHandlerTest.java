package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.testing.SharedDynalite;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Enrollment against dynalite: one parked execution per job, never beside a dedicated one. */
class EnrollHandlerTest {
  static final long NOW = 1_795_651_200_000L;
  static final ObjectMapper JSON = new ObjectMapper();

  JobTable table;
  Map<String, JobEnding> completed;
  EnrollHandler handler;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("enroll");
    completed = new LinkedHashMap<>();
    handler =
        new EnrollHandler(
            new Enrollments(table),
            (token, ending) -> completed.put(token, ending) == null,
            8,
            () -> NOW);
    table.putIfAbsent(Job.builder("j", "log", 1000).build());
  }

  JsonNode enroll(String jobId, String execution, String token) {
    return handler.enroll(
        JSON.createObjectNode()
            .put("jobId", jobId)
            .put("execution", execution)
            .put("taskToken", token));
  }

  @Test
  void enrolls_the_token_execution_and_shard_on_the_item() {
    JsonNode result = enroll("j", "j-abc", "token-1");
    assertTrue(result.get("enrolled").asBoolean(), result.toString());
    Map<String, AttributeValue> item = table.get("j").orElseThrow();
    assertEquals("token-1", item.get(Enrollments.TASK_TOKEN).s());
    assertEquals("j-abc", item.get(Enrollments.EXECUTION).s());
    assertEquals(result.get("shard").asText(), item.get(Enrollments.SHARD).n());
    assertEquals(Map.of(), completed);
  }

  @Test
  void a_second_execution_of_the_same_job_ends_the_first() {
    enroll("j", "j-abc", "token-1");
    enroll("j", "j-r29928", "token-2");
    assertEquals(Map.of("token-1", completed.get("token-1")), completed);
    assertEquals(JobEnding.SUPERSEDED, completed.get("token-1").outcome());
    assertFalse(completed.get("token-1").failed());
    assertTrue(completed.get("token-1").reason().contains("j-r29928"));
    assertEquals("token-2", table.get("j").orElseThrow().get(Enrollments.TASK_TOKEN).s());
  }

  @Test
  void an_execution_enrolling_again_ends_nothing() {
    enroll("j", "j-abc", "token-1");
    enroll("j", "j-abc", "token-2"); // a retried enrollment task of the same execution
    assertEquals(Map.of(), completed);
  }

  @Test
  void a_job_held_by_a_dedicated_controller_is_not_enrolled_and_its_execution_ends() {
    table.writeStatusAsOwner(
        "j", "j-dedicated", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    JsonNode result = enroll("j", "j-abc", "token-1");
    assertFalse(result.get("enrolled").asBoolean());
    Map<String, AttributeValue> item = table.get("j").orElseThrow();
    assertNull(item.get(Enrollments.TASK_TOKEN));
    assertNull(item.get(Enrollments.SHARD), "not in the shard index: no host fires it");
    JobEnding ending = completed.get("token-1");
    assertEquals(JobEnding.DEDICATED, ending.outcome());
    assertTrue(ending.reason().contains("j-dedicated"), ending.reason());
  }

  @Test
  void a_dedicated_lease_that_ran_out_does_not_block_the_enrollment() {
    table.writeStatusAsOwner(
        "j", "j-dedicated", NOW - 1, NOW - 60_000, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    assertTrue(enroll("j", "j-abc", "token-1").get("enrolled").asBoolean());
    assertFalse(
        table.writeStatusAsOwner(
            "j", "j-dedicated", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "back")),
        "the dedicated execution, back from its Wait, may not fire it too");
  }

  @Test
  void a_deleted_item_ends_the_execution_at_once() {
    JsonNode result = enroll("gone", "gone-abc", "token-1");
    assertFalse(result.get("enrolled").asBoolean());
    assertEquals(JobEnding.DELETED, completed.get("token-1").outcome());
  }
}
