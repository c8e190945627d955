package dev.subminute.worker.kit;

import dev.subminute.model.testing.SharedDynalite;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** New dedupe tables on the test JVM's dynalite, shaped as the stack creates them. */
public final class LedgerTables {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private LedgerTables() {}

  /** A new, empty, active table with partition key {@code key} (S); returns its name. */
  public static String create() {
    String name = "dedupe-" + TABLES.incrementAndGet();
    SharedDynalite.client()
        .createTable(
            t ->
                t.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .keySchema(k -> k.attributeName("key").keyType(KeyType.HASH))
                    .attributeDefinitions(
                        a -> a.attributeName("key").attributeType(ScalarAttributeType.S)));
    SharedDynalite.client()
        .waiter()
        .waitUntilTableExists(
            d -> d.tableName(name),
            w ->
                w.backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(50)))
                    .maxAttempts(200));
    return name;
  }

  /** A filter on {@code table}, as a worker container would make it. */
  public static DuplicateFilter filter(String table, Consumer<String> log) {
    return new DuplicateFilter(new DynamoTickLedger(SharedDynalite.client(), table), log);
  }
}
