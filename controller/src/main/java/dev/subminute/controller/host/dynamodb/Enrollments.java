package dev.subminute.controller.host.dynamodb;

import dev.subminute.model.dynamodb.JobTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A shared job's enrollment on its own item: the parked execution's task token, the execution's
 * name and the job's shard. The {@code shard} attribute keys the table's shard index, so a host
 * learns the items of the shards it holds with one Query per shard, and an item is in the index
 * exactly while an execution is parked on it.
 */
public final class Enrollments {
  public static final String TASK_TOKEN = "taskToken";
  public static final String EXECUTION = "execution";
  public static final String SHARD = "shard";
  public static final String SHARD_INDEX = "shard-index";

  private final DynamoDbClient client;
  private final String tableName;

  public Enrollments(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  /** Writes the enrollment (status attributes only); false if the item is gone. */
  public boolean enroll(String jobId, int shard, String execution, String taskToken, long nowMs) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                  .updateExpression(
                      "SET #token = :token, #exec = :exec, #shard = :shard, #at = :at")
                  .conditionExpression("attribute_exists(#id)")
                  .expressionAttributeNames(
                      Map.of(
                          "#id", JobTable.JOB_ID,
                          "#token", TASK_TOKEN,
                          "#exec", EXECUTION,
                          "#shard", SHARD,
                          "#at", JobTable.UPDATED_AT))
                  .expressionAttributeValues(
                      Map.of(
                          ":token", AttributeValue.fromS(taskToken),
                          ":exec", AttributeValue.fromS(execution),
                          ":shard", AttributeValue.fromN(Integer.toString(shard)),
                          ":at", AttributeValue.fromN(Long.toString(nowMs)))));
      return true;
    } catch (ConditionalCheckFailedException gone) {
      return false;
    }
  }

  /** Every item enrolled in the shard, read from the shard index. */
  public List<Map<String, AttributeValue>> shardItems(int shard) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder query =
          QueryRequest.builder()
              .tableName(tableName)
              .indexName(SHARD_INDEX)
              .keyConditionExpression("#shard = :shard")
              .expressionAttributeNames(Map.of("#shard", SHARD))
              .expressionAttributeValues(
                  Map.of(":shard", AttributeValue.fromN(Integer.toString(shard))));
      if (start != null) {
        query.exclusiveStartKey(start);
      }
      QueryResponse page = client.query(query.build());
      items.addAll(page.items());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return items;
  }

  /**
   * Ends the enrollment whose token was completed: the item leaves the shard index. Only if the
   * token is still the one completed, so a newer execution's enrollment stays.
   */
  public boolean release(String jobId, String taskToken) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                  .updateExpression("REMOVE #token, #shard")
                  .conditionExpression("#token = :token")
                  .expressionAttributeNames(Map.of("#token", TASK_TOKEN, "#shard", SHARD))
                  .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(taskToken))));
      return true;
    } catch (ConditionalCheckFailedException moved) {
      return false;
    }
  }

  /**
   * The job's execution was stopped from outside (StopExecution): the job stops as if the user had
   * set {@code running = false}, and its enrollment ends. Only if the item is still enrolled by
   * that execution, so stopping an old execution never stops a newer one's job.
   */
  public boolean stopForExecution(String jobId, String execution, String reason, long nowMs) {
    Map<String, String> names = new HashMap<>();
    names.put("#exec", EXECUTION);
    names.put("#token", TASK_TOKEN);
    names.put("#shard", SHARD);
    names.put("#running", "running");
    names.put("#status", JobTable.STATUS);
    names.put("#reason", JobTable.STATUS_REASON);
    names.put("#at", JobTable.UPDATED_AT);
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                  .updateExpression(
                      "SET #running = :false, #status = :stopped, #reason = :reason, #at = :at"
                          + " REMOVE #token, #shard")
                  .conditionExpression("#exec = :exec")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(
                      Map.of(
                          ":exec", AttributeValue.fromS(execution),
                          ":false", AttributeValue.fromBool(false),
                          ":stopped", AttributeValue.fromS("STOPPED"),
                          ":reason", AttributeValue.fromS(reason),
                          ":at", AttributeValue.fromN(Long.toString(nowMs)))));
      return true;
    } catch (ConditionalCheckFailedException notThatExecution) {
      return false;
    }
  }
}
