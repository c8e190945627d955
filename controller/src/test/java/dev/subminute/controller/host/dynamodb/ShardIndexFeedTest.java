package dev.subminute.controller.host.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A host ends a job only on what one consistent read of its item says. The shard index is
 * eventually consistent on AWS; dynalite's is not, so a stale view is made honestly: the index is
 * read (a real Query) after the job was stopped, the job is started again (a new execution enrolls
 * with a new token), and the host then settles that earlier read, as it would when the index lags.
 */
class ShardIndexFeedTest {
  static final int SHARD = 3;
  static final long NOW = 1_795_651_200_000L;
  static final WorkerPolicy POLICY = WorkerPolicy.allowing(List.of("log"));

  DynamoDbClient dynamo;
  JobTable table;
  Enrollments enrollments;
  Map<String, JobEnding> completed;
  ShardIndexFeed feed;

  @BeforeEach
  void setUp() {
    dynamo = SharedDynalite.client();
    String tableName = "jobs-feed-" + System.nanoTime();
    ShardIndexProjectionTest.createWithShardIndex(dynamo, tableName);
    table = new JobTable(dynamo, tableName);
    enrollments = new Enrollments(table);
    completed = new LinkedHashMap<>();
    feed =
        new ShardIndexFeed(
            table,
            new DynamoJobs(table, POLICY),
            (token, ending) -> completed.put(token, ending) == null,
            POLICY);
    dynamo.putItem(
        r ->
            r.tableName(tableName)
                .item(
                    Map.of(
                        JobTable.JOB_ID,
                        AttributeValue.fromS("j"),
                        "workerArn",
                        AttributeValue.fromS("log"),
                        "intervalMs",
                        AttributeValue.fromN("1000"),
                        "running",
                        AttributeValue.fromBool(true))));
    enrollments.enroll("j", SHARD, "exec-1", "token-1", NOW);
  }

  void setRunning(boolean running, long expectedVersion) {
    table.setAttributes(
        "j", Map.of("running", AttributeValue.fromBool(running)), Set.of(), expectedVersion);
  }

  @Test
  void a_stale_index_never_ends_the_execution_that_started_the_job_again() {
    setRunning(false, 0);
    List<Map<String, AttributeValue>> stale = enrollments.shardItems(SHARD);
    assertFalse(stale.get(0).get("running").bool(), "the index saw the stop");
    setRunning(true, 1);
    enrollments.enroll("j", SHARD, "exec-2", "token-2", NOW + 500);

    ShardIndexFeed.Settled settled = feed.settle(stale);

    assertEquals(Map.of(), completed, "no token completed");
    assertEquals(0, settled.ended());
    Map<String, AttributeValue> item = table.get("j").orElseThrow();
    assertEquals("token-2", item.get(JobTable.TASK_TOKEN).s(), "the new execution stays enrolled");
    assertEquals(String.valueOf(SHARD), item.get(Enrollments.SHARD).n());
    assertEquals(1, settled.jobs().size());
    assertInstanceOf(
        JobDecision.Run.class, settled.jobs().get(0).decision(), "the host keeps running it");
  }

  @Test
  void a_stop_the_table_confirms_ends_the_execution_and_its_enrollment() {
    setRunning(false, 0);

    ShardIndexFeed.Settled settled = feed.settle(enrollments.shardItems(SHARD));

    assertEquals(1, settled.ended());
    assertEquals(Set.of("token-1"), completed.keySet());
    assertEquals("STOPPED", completed.get("token-1").outcome());
    Map<String, AttributeValue> item = table.get("j").orElseThrow();
    assertFalse(item.containsKey(JobTable.TASK_TOKEN), "released: " + item);
    assertFalse(item.containsKey(Enrollments.SHARD), "out of the shard index: " + item);
    assertInstanceOf(JobDecision.Stop.class, settled.jobs().get(0).decision());
  }

  @Test
  void a_job_deleted_since_the_index_read_has_no_token_to_complete_and_is_not_run() {
    setRunning(false, 0);
    List<Map<String, AttributeValue>> stale = enrollments.shardItems(SHARD);
    assertTrue(table.delete("j"));

    ShardIndexFeed.Settled settled = feed.settle(stale);

    assertEquals(Map.of(), completed);
    assertEquals(0, settled.ended());
    assertEquals(List.of(), settled.jobs());
  }
}
