package dev.subminute.worker.kit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.WorkerEvent;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The kit's duplicate filter on a real DynamoDB-API server (dynalite). */
class DuplicateFilterTest {
  final List<String> log = new CopyOnWriteArrayList<>();
  final AtomicInteger runs = new AtomicInteger();

  static WorkerEvent tick(long plannedAt) {
    return new WorkerEvent("job-1", plannedAt, plannedAt * 1_000 + 40, 500, "{}", "job-1-r1");
  }

  @Test
  void a_second_delivery_of_the_same_tick_is_dropped_even_in_another_container() throws Exception {
    String table = LedgerTables.create();
    DuplicateFilter first = LedgerTables.filter(table, log::add);
    DuplicateFilter otherContainer = LedgerTables.filter(table, log::add);

    assertTrue(first.runOnce(tick(1_000), runs::incrementAndGet));
    assertFalse(first.runOnce(tick(1_000), runs::incrementAndGet));
    assertFalse(otherContainer.runOnce(tick(1_000), runs::incrementAndGet));

    assertEquals(1, runs.get());
    assertEquals(List.of(), log);
  }

  @Test
  void a_different_planned_instant_of_the_same_job_runs() throws Exception {
    DuplicateFilter filter = LedgerTables.filter(LedgerTables.create(), log::add);

    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));
    assertTrue(filter.runOnce(tick(1_500), runs::incrementAndGet));

    assertEquals(2, runs.get());
  }

  @Test
  void the_record_is_keyed_by_job_and_instant_and_expires_six_hours_after_the_tick()
      throws Exception {
    String table = LedgerTables.create();
    LedgerTables.filter(table, log::add).runOnce(tick(1_700_000_000_250L), runs::incrementAndGet);
    assertEquals(List.of(), log);

    Map<String, AttributeValue> item =
        SharedDynalite.client()
            .getItem(
                g ->
                    g.tableName(table)
                        .key(Map.of("key", AttributeValue.fromS("job-1@1700000000250")))
                        .consistentRead(true))
            .item();
    assertEquals(Long.toString(1_700_000_000L + 6 * 3_600), item.get("expiresAt").n());
  }

  @Test
  void an_unreachable_table_runs_the_tick_counts_the_error_and_says_what_happened()
      throws Exception {
    DuplicateFilter filter = LedgerTables.filter("no-such-table", log::add);

    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));
    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));

    assertEquals(2, runs.get());
    assertEquals(2, filter.ledgerErrors());
    assertEquals(2, log.size());
    assertTrue(
        log.get(1).startsWith("Tick job-1@1000 could not be recorded, so it runs without a record"),
        log.get(1));
    assertTrue(log.get(1).contains("no-such-table"), log.get(1));
    assertTrue(log.get(1).endsWith("Ledger errors so far: 2"), log.get(1));
  }

  @Test
  void a_failed_tick_on_an_unreachable_table_counts_only_the_record_it_could_not_make() {
    DuplicateFilter filter = LedgerTables.filter("no-such-table", log::add);

    assertThrows(
        IllegalStateException.class,
        () ->
            filter.runOnce(
                tick(1_000),
                () -> {
                  throw new IllegalStateException("endpoint down");
                }));

    assertEquals(1, filter.ledgerErrors());
    assertEquals(1, log.size());
  }

  @Test
  void a_tick_whose_work_failed_is_forgotten_so_a_retry_runs_it() throws Exception {
    DuplicateFilter filter = LedgerTables.filter(LedgerTables.create(), log::add);
    IllegalStateException down = new IllegalStateException("endpoint down");

    IllegalStateException thrown =
        assertThrows(
            IllegalStateException.class,
            () ->
                filter.runOnce(
                    tick(1_000),
                    () -> {
                      throw down;
                    }));
    assertSame(down, thrown);
    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));

    assertEquals(1, runs.get());
    assertEquals(0, filter.ledgerErrors());
  }

  @Test
  void without_a_table_every_delivery_runs_and_the_kit_says_so_once() throws Exception {
    DuplicateFilter filter = DuplicateFilter.keepingNoRecord(log::add);

    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));
    assertTrue(filter.runOnce(tick(1_000), runs::incrementAndGet));

    assertEquals(2, runs.get());
    assertEquals(1, log.size());
    assertTrue(log.get(0).startsWith("SUBMINUTE_DEDUPE_TABLE is not set"), log.get(0));
  }
}
