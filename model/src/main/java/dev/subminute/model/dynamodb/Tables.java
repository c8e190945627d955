package dev.subminute.model.dynamodb;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Sets up the project's tables: on-demand, keyed by one string attribute. */
public final class Tables {
  private Tables() {}

  /**
   * The timeout of the calls that set a table up: off the timing path, so longer than the clients'
   * fail-fast 2 s, which a just-started dynalite's first answer can exceed on a busy machine.
   */
  private static final Consumer<AwsRequestOverrideConfiguration.Builder> SETUP_TIMEOUT =
      c -> c.apiCallTimeout(Duration.ofSeconds(30)).apiCallAttemptTimeout(Duration.ofSeconds(10));

  /**
   * Creates the table unless it exists (someone else may create it first), and waits until active.
   */
  public static void createIfMissing(DynamoDbClient client, String tableName, String key) {
    try {
      client.createTable(
          r ->
              r.overrideConfiguration(SETUP_TIMEOUT)
                  .tableName(tableName)
                  .billingMode(BillingMode.PAY_PER_REQUEST)
                  .keySchema(
                      KeySchemaElement.builder().attributeName(key).keyType(KeyType.HASH).build())
                  .attributeDefinitions(
                      AttributeDefinition.builder()
                          .attributeName(key)
                          .attributeType(ScalarAttributeType.S)
                          .build()));
    } catch (ResourceInUseException alreadyThere) {
      // created by someone else: fine
    }
    // the default waiter polls every 20 s; a new on-demand table is active in well under a second
    client
        .waiter()
        .waitUntilTableExists(
            DescribeTableRequest.builder()
                .overrideConfiguration(SETUP_TIMEOUT)
                .tableName(tableName)
                .build(),
            WaiterOverrideConfiguration.builder()
                .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(100)))
                .maxAttempts(600)
                .build());
  }
}
