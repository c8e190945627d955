package dev.subminute.worker.kit;

import dev.subminute.model.testing.SharedDynalite;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** New dedupe tables on the test JVM's dynalite, shaped as the stack creates them. */
public final class LedgerTables {
  private static final AtomicInteger TABLES = new AtomicInteger();

  private LedgerTables() {}

  /** A new, empty table with partition key {@code key} (S); returns its name. */
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
    return name;
  }

  public static DuplicateFilter filter(String table, java.util.function.Consumer<String> log) {
    return new DuplicateFilter(new DynamoTickLedger(SharedDynalite.client(), table), table, log);
  }
}
