package dev.subminute.controller.host.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.HostJobView;
import dev.subminute.controller.host.StatusChange;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The shard index projects only {@link Enrollments#SHARD_INDEX_ATTRIBUTES}: on dynalite, a host
 * reading an item through it decides exactly as it would reading the whole item, and reads no token
 * and no flushed count.
 */
class ShardIndexProjectionTest {
  static final int SHARD = 3;
  static final WorkerPolicy POLICY = WorkerPolicy.allowing(List.of("log"));

  DynamoDbClient dynamo;
  String tableName;
  Enrollments enrollments;

  @BeforeEach
  void setUp() {
    dynamo = SharedDynalite.client();
    tableName = "jobs-projection-" + System.nanoTime();
    createWithShardIndex(dynamo, tableName);
    enrollments = new Enrollments(new JobTable(dynamo, tableName));
  }

  /** Creates a jobs table with the shard index the stack creates, and waits until it exists. */
  static void createWithShardIndex(DynamoDbClient dynamo, String tableName) {
    dynamo.createTable(
        r ->
            r.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(hash(JobTable.JOB_ID))
                .attributeDefinitions(
                    attribute(JobTable.JOB_ID, ScalarAttributeType.S),
                    attribute(Enrollments.SHARD, ScalarAttributeType.N))
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName(Enrollments.SHARD_INDEX)
                        .keySchema(hash(Enrollments.SHARD))
                        .projection(
                            Projection.builder()
                                .projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes(Enrollments.SHARD_INDEX_ATTRIBUTES)
                                .build())
                        .build()));
    dynamo.waiter().waitUntilTableExists(r -> r.tableName(tableName));
  }

  /** Every attribute a job item can hold, each set to something other than its default. */
  static Map<String, AttributeValue> fullItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(JobTable.JOB_ID, AttributeValue.fromS("every-attribute"));
    item.put("workerArn", AttributeValue.fromS("log"));
    item.put("intervalMs", AttributeValue.fromN("2000"));
    item.put("running", AttributeValue.fromBool(true));
    item.put("payload", AttributeValue.fromM(Map.of("url", AttributeValue.fromS("http://x/"))));
    item.put("offsetMs", AttributeValue.fromN("250"));
    item.put(
        "profile",
        AttributeValue.fromL(
            List.of(
                AttributeValue.fromM(
                    Map.of(
                        "days", AttributeValue.fromS("MON-FRI"),
                        "from", AttributeValue.fromS("08:00"),
                        "to", AttributeValue.fromS("20:00"),
                        "intervalMs", AttributeValue.fromN("1000"))))));
    item.put("timezone", AttributeValue.fromS("Europe/Paris"));
    item.put("misfire", AttributeValue.fromS("FIRE_ONCE"));
    item.put("placement", AttributeValue.fromS("DEDICATED"));
    item.put(JobTable.VERSION, AttributeValue.fromN("4"));
    item.put(JobTable.STATUS, AttributeValue.fromS("RUNNING"));
    item.put(JobTable.STATUS_REASON, AttributeValue.fromS("Ticking every 2000 ms."));
    item.put(JobTable.TICKS, AttributeValue.fromN("120"));
    item.put(JobTable.MISSED_TICKS, AttributeValue.fromN("1"));
    item.put(JobTable.INVOKE_ERRORS, AttributeValue.fromN("2"));
    item.put(JobTable.LAST_TICK_AT, AttributeValue.fromN("1795651200000"));
    item.put(JobTable.DRIFT_P99_MS, AttributeValue.fromN("1.5"));
    item.put(JobTable.UPDATED_AT, AttributeValue.fromN("1795651200000"));
    item.put("failedTicks", AttributeValue.fromN("3"));
    item.put(JobTable.TASK_TOKEN, AttributeValue.fromS("t".repeat(700)));
    item.put(Enrollments.EXECUTION, AttributeValue.fromS("every-attribute-abc"));
    item.put(Enrollments.SHARD, AttributeValue.fromN(Integer.toString(SHARD)));
    return item;
  }

  /** What a host takes from an item: its decision and the status it compares before writing. */
  static List<Object> hostView(Map<String, AttributeValue> item) {
    HostJobView job = new DynamoJobs(null, POLICY).views(List.of(item)).get(0);
    return List.of(
        job.decision(), String.valueOf(job.status()), String.valueOf(job.statusReason()));
  }

  @Test
  void dynalite_returns_only_the_keys_and_the_projected_attributes() {
    dynamo.putItem(r -> r.tableName(tableName).item(fullItem()));
    List<Map<String, AttributeValue>> read = enrollments.shardItems(SHARD);
    assertEquals(1, read.size());
    Set<String> expected = new HashSet<>(Enrollments.SHARD_INDEX_ATTRIBUTES);
    expected.add(JobTable.JOB_ID);
    expected.add(Enrollments.SHARD);
    assertEquals(expected, read.get(0).keySet());
    assertFalse(read.get(0).containsKey(JobTable.TASK_TOKEN));
  }

  @Test
  void a_host_decides_from_the_index_item_as_from_the_whole_item() {
    dynamo.putItem(r -> r.tableName(tableName).item(fullItem()));
    Map<String, AttributeValue> fromIndex = enrollments.shardItems(SHARD).get(0);
    List<Object> whole = hostView(fullItem());
    assertInstanceOf(JobDecision.Run.class, whole.get(0), "the fixture is a valid running job");
    assertEquals(whole, hostView(fromIndex));
  }

  @Test
  void every_attribute_a_host_reads_is_projected() {
    List<Object> whole = hostView(fullItem());
    for (String attribute : fullItem().keySet()) {
      Map<String, AttributeValue> without = fullItem();
      without.remove(attribute);
      if (!attribute.equals(JobTable.JOB_ID) && !whole.equals(hostView(without))) {
        assertTrue(
            Enrollments.SHARD_INDEX_ATTRIBUTES.contains(attribute),
            "a host reads " + attribute + ": project it into the shard index");
      }
    }
  }

  @Test
  void a_counts_flush_changes_nothing_the_index_carries_and_the_token_is_not_in_it() {
    dynamo.putItem(r -> r.tableName(tableName).item(fullItem()));
    DynamoJobs jobs = new DynamoJobs(new JobTable(dynamo, tableName), POLICY);
    assertTrue(
        jobs.write(
            "every-attribute",
            StatusChange.counts(1_795_651_260_000L, 60, 1, 2, 1.25),
            1_795_651_260_500L));
    Map<String, AttributeValue> after =
        dynamo
            .getItem(
                r ->
                    r.tableName(tableName)
                        .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS("every-attribute")))
                        .consistentRead(true))
            .item();
    Set<String> changed = new HashSet<>();
    fullItem()
        .forEach(
            (name, value) -> {
              if (!value.equals(after.get(name))) {
                changed.add(name);
              }
            });
    assertTrue(changed.contains(JobTable.TICKS), "the flush wrote: " + changed);
    for (String name : changed) {
      assertFalse(Enrollments.SHARD_INDEX_ATTRIBUTES.contains(name), name + " is in the index");
    }
    assertFalse(Enrollments.SHARD_INDEX_ATTRIBUTES.contains(JobTable.TASK_TOKEN));
  }

  private static KeySchemaElement hash(String name) {
    return KeySchemaElement.builder().attributeName(name).keyType(KeyType.HASH).build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }
}
