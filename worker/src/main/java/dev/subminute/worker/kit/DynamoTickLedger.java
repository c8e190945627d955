package dev.subminute.worker.kit;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A {@link TickLedger} on a DynamoDB table with partition key {@code key} (S) and TTL attribute
 * {@code expiresAt} (N, epoch seconds): one conditional PutItem per tick. A record lives six hours
 * past its planned instant, the longest maximum event age Lambda allows, so a duplicate is caught
 * whatever the worker function's setting; TTL then deletes it at no cost.
 */
public final class DynamoTickLedger implements TickLedger {
  static final long RETENTION_SECONDS = 6 * 3_600;

  private final DynamoDbClient dynamo;
  private final String tableName;

  public DynamoTickLedger(DynamoDbClient dynamo, String tableName) {
    this.dynamo = dynamo;
    this.tableName = tableName;
  }

  @Override
  public boolean recordFirst(String jobId, long plannedAt) {
    try {
      dynamo.putItem(
          put ->
              put.tableName(tableName)
                  .item(
                      Map.of(
                          "key",
                          AttributeValue.fromS(key(jobId, plannedAt)),
                          "expiresAt",
                          AttributeValue.fromN(
                              Long.toString(plannedAt / 1_000 + RETENTION_SECONDS))))
                  .conditionExpression("attribute_not_exists(#key)")
                  .expressionAttributeNames(Map.of("#key", "key")));
      return true;
    } catch (ConditionalCheckFailedException recordedBefore) {
      return false;
    }
  }

  @Override
  public void forget(String jobId, long plannedAt) {
    dynamo.deleteItem(
        delete ->
            delete
                .tableName(tableName)
                .key(Map.of("key", AttributeValue.fromS(key(jobId, plannedAt)))));
  }

  @Override
  public String toString() {
    return "dedupe table " + tableName;
  }

  /** {@code jobId@plannedAt}: job ids never contain {@code @}. */
  static String key(String jobId, long plannedAt) {
    return jobId + '@' + plannedAt;
  }
}
