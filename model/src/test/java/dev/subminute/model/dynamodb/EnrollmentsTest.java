package dev.subminute.model.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.testing.SharedDynalite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A refused enrollment is reported as held by a dedicated controller only if a read after the
 * refusal still finds that controller's live lease. The dedicated controller's writes are made to
 * land between the enrollment's refused write and its read, on dynalite, by a client that runs them
 * right there.
 */
class EnrollmentsTest {
  static final long NOW = 1_795_651_200_000L;

  JobTable table;

  @BeforeEach
  void setUp() {
    table = SharedDynalite.newTable("enrollments");
    table.putIfAbsent(Job.builder("j", "log", 1_000).build());
  }

  boolean takeLease() {
    return table.writeStatusAsOwner(
        "j", "j-dedicated", NOW + 30_000, NOW, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
  }

  void releaseLease() {
    table.releaseAsOwner("j", "j-dedicated", NOW, StatusUpdate.of(JobStatus.PENDING, "moving"));
  }

  @Test
  void a_lease_released_between_the_refused_write_and_the_read_does_not_refuse_the_job() {
    assertTrue(takeLease());
    Enrollments enrollments =
        new Enrollments(
            new JobTable(
                new Interleaved(SharedDynalite.client(), () -> {}, this::releaseLease),
                table.name()));

    Enrollments.Outcome outcome = enrollments.enroll("j", 3, "j-abc", "token-1", NOW);

    assertEquals(Enrollments.Outcome.Kind.ENROLLED, outcome.kind(), outcome.toString());
    assertEquals("token-1", table.get("j").orElseThrow().get(JobTable.TASK_TOKEN).s());
  }

  @Test
  void a_live_lease_found_again_after_the_refusal_names_its_owner() {
    assertTrue(takeLease());
    Enrollments.Outcome outcome = new Enrollments(table).enroll("j", 3, "j-abc", "t", NOW);
    assertEquals(
        new Enrollments.Outcome(Enrollments.Outcome.Kind.HELD_BY_DEDICATED, "j-dedicated", null),
        outcome);
  }

  @Test
  void a_lease_taken_and_released_around_every_attempt_fails_the_enrollment_with_why() {
    Enrollments enrollments =
        new Enrollments(
            new JobTable(
                new Interleaved(SharedDynalite.client(), this::takeLease, this::releaseLease),
                table.name()));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> enrollments.enroll("j", 3, "j-abc", "t", NOW));

    assertTrue(e.getMessage().contains("refused 3 times"), e.getMessage());
    assertEquals(null, table.get("j").orElseThrow().get(JobTable.TASK_TOKEN));
  }

  /** Runs another writer's writes just before each update and just after each refused one. */
  record Interleaved(DynamoDbClient dynamo, Runnable beforeUpdate, Runnable afterRefusal)
      implements DynamoDbClient {
    @Override
    public UpdateItemResponse updateItem(UpdateItemRequest request) {
      beforeUpdate.run();
      try {
        return dynamo.updateItem(request);
      } catch (ConditionalCheckFailedException refused) {
        afterRefusal.run();
        throw refused;
      }
    }

    @Override
    public GetItemResponse getItem(GetItemRequest request) {
      return dynamo.getItem(request);
    }

    @Override
    public String serviceName() {
      return dynamo.serviceName();
    }

    @Override
    public void close() {}
  }
}
