package dev.subminute.worker.kit;

import dev.subminute.model.WorkerEvent;
import dev.subminute.model.dynamodb.DynamoClients;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Runs each tick once although Lambda may deliver an async event more than once: the first delivery
 * of a {@code (jobId, plannedAt)} records it in a {@link TickLedger} and runs; a later one is
 * dropped.
 *
 * <p>When the ledger cannot be reached the tick runs anyway and the error is counted and logged: a
 * timer that skips ticks whenever its dedupe store hiccups is worse than one that, during an outage
 * of that store, may run a duplicate. When the work fails the record is removed, so a retry (if the
 * function has any) runs the tick again.
 */
public final class DuplicateFilter {
  /** The ledger table's name, as the stack sets it on the worker functions. */
  public static final String TABLE_ENV = "SUBMINUTE_DEDUPE_TABLE";

  /** What runs on a tick. */
  @FunctionalInterface
  public interface Work {
    void run() throws Exception;
  }

  private static final TickLedger NO_RECORD =
      new TickLedger() {
        @Override
        public boolean recordFirst(String jobId, long plannedAt) {
          return true;
        }

        @Override
        public void forget(String jobId, long plannedAt) {}
      };

  private final TickLedger ledger;
  private final Consumer<String> log;
  private final LongAdder ledgerErrors = new LongAdder();

  /**
   * @param ledger where ticks are recorded; its {@code toString} names it in log lines
   * @param log where the filter says what it does about errors
   */
  public DuplicateFilter(TickLedger ledger, Consumer<String> log) {
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.log = log;
  }

  /**
   * A filter on the table named by {@value #TABLE_ENV}, or, when that is not set, one that keeps no
   * record.
   */
  public static DuplicateFilter fromEnvironment(Consumer<String> log) {
    String table = System.getenv(TABLE_ENV);
    if (table == null || table.isBlank()) {
      return keepingNoRecord(log);
    }
    return new DuplicateFilter(new DynamoTickLedger(DynamoClients.aws(), table), log);
  }

  /** A filter that runs every delivery; it says so once, here. */
  public static DuplicateFilter keepingNoRecord(Consumer<String> log) {
    log.accept(
        TABLE_ENV
            + " is not set: this worker keeps no record of its ticks and runs duplicate"
            + " deliveries. Set it to a DynamoDB table with partition key key (S) and TTL"
            + " attribute expiresAt to drop them.");
    return new DuplicateFilter(NO_RECORD, log);
  }

  /**
   * Runs {@code work} unless this tick ran before.
   *
   * @return true if it ran, false if the delivery was a duplicate and was dropped
   */
  public boolean runOnce(WorkerEvent event, Work work) throws Exception {
    Delivery delivery = record(event);
    if (delivery == Delivery.DUPLICATE) {
      return false;
    }
    try {
      work.run();
    } catch (Exception | Error e) {
      if (delivery == Delivery.RECORDED) {
        forget(event);
      }
      throw e;
    }
    return true;
  }

  /** Ledger calls that failed since this filter was made. */
  public long ledgerErrors() {
    return ledgerErrors.sum();
  }

  private enum Delivery {
    RECORDED,
    UNRECORDED,
    DUPLICATE
  }

  private Delivery record(WorkerEvent event) {
    try {
      return ledger.recordFirst(event.jobId(), event.plannedAt())
          ? Delivery.RECORDED
          : Delivery.DUPLICATE;
    } catch (RuntimeException e) {
      ledgerError(event, "could not be recorded, so it runs without a record", e);
      return Delivery.UNRECORDED;
    }
  }

  private void forget(WorkerEvent event) {
    try {
      ledger.forget(event.jobId(), event.plannedAt());
    } catch (RuntimeException e) {
      ledgerError(event, "failed and its record could not be removed, so a retry is dropped", e);
    }
  }

  private void ledgerError(WorkerEvent event, String what, RuntimeException e) {
    ledgerErrors.increment();
    log.accept(
        "Tick "
            + event.jobId()
            + "@"
            + event.plannedAt()
            + " "
            + what
            + " ("
            + ledger
            + ": "
            + e
            + "). Ledger errors so far: "
            + ledgerErrors.sum());
  }
}
