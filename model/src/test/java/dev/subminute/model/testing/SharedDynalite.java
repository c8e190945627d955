package dev.subminute.model.testing;

import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One dynalite per test JVM, started on first use on a free loopback port and stopped when the JVM
 * exits. Tests fail, never skip, when it cannot start. Each caller gets its own table.
 */
public final class SharedDynalite {
  private static final AtomicInteger TABLES = new AtomicInteger();
  private static DynaliteServer server;
  private static DynamoDbClient client;

  private SharedDynalite() {}

  public static synchronized DynaliteServer server() {
    if (server == null) {
      server = DynaliteServer.start();
      DynaliteServer started = server;
      Runtime.getRuntime().addShutdownHook(new Thread(started::close));
    }
    return server;
  }

  public static synchronized DynamoDbClient client() {
    if (client == null) {
      client = DynamoClients.local(server().endpoint());
    }
    return client;
  }

  /** A new, empty jobs table. */
  public static JobTable newTable(String purpose) {
    JobTable table = new JobTable(client(), "jobs-" + purpose + "-" + TABLES.incrementAndGet());
    table.createIfMissing();
    return table;
  }

  /** Writes an item as given, past the codec and the validator: as another client may write it. */
  public static void putRaw(JobTable table, Map<String, AttributeValue> item) {
    client().putItem(r -> r.tableName(table.name()).item(item));
  }
}
