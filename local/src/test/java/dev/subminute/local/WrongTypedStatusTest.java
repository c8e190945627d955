package dev.subminute.local;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.Await;
import dev.subminute.model.testing.SharedDynalite;
import dev.subminute.worker.DriftProbe;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * System attributes of the wrong type, as a hand edit with a raw client leaves them (an owner as a
 * number, counters as a string and a boolean), do not stop a job: they count as absent.
 */
class WrongTypedStatusTest {

  @Test
  void a_job_with_wrong_typed_owner_and_counters_ticks_and_reports_its_status() throws Exception {
    List<DriftProbe.Receipt> receipts = new CopyOnWriteArrayList<>();
    JobTable table = SharedDynalite.newTable("wrong-types");
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId",
            AttributeValue.fromS("hand-edited"),
            "workerArn",
            AttributeValue.fromS(DriftProbe.NAME),
            "intervalMs",
            AttributeValue.fromN("200"),
            "running",
            AttributeValue.fromBool(true),
            JobTable.OWNER,
            AttributeValue.fromN("7"),
            JobTable.LEASE_UNTIL,
            AttributeValue.fromN("99999999999999"),
            JobTable.TICKS,
            AttributeValue.fromS("many"),
            JobTable.MISSED_TICKS,
            AttributeValue.fromBool(true)));
    LocalLambda lambda =
        new LocalLambda()
            .register(DriftProbe.NAME, new DriftProbe(Clock.systemUTC(), receipts::add), 2, 1_000);
    LocalRuntime.Options options =
        LocalRuntime.Options.defaults()
            .withEndpoint(SharedDynalite.server().endpoint())
            .withTableName(table.name())
            .withController(ControllerConfig.embedded().withWindowMs(2_000))
            .withScanPeriodMs(300);
    try (LocalRuntime ignored = LocalRuntime.start(options, lambda)) {
      Await.until("five ticks", 20_000, () -> receipts.size() >= 5);
      Await.until(
          "ticks counted on the item",
          20_000,
          () -> {
            JobStatusView status = JobStatusView.of(table.get("hand-edited").orElseThrow());
            return status.status() == JobStatus.RUNNING && status.ticks() > 0;
          });
      Map<String, AttributeValue> item = table.get("hand-edited").orElseThrow();
      assertNotNull(item.get(JobTable.TICKS).n(), item.toString());
      AttributeValue missed = item.get(JobTable.MISSED_TICKS);
      assertTrue(missed == null || missed.n() != null, item.toString());
    }
  }
}
