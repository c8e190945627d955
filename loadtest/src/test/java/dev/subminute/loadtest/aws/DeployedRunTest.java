package dev.subminute.loadtest.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.loadtest.Accounting;
import dev.subminute.model.Job;
import dev.subminute.worker.DriftProbe;
import dev.subminute.worker.lambda.LogLines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployed-stack harness's parts that run without AWS. */
class DeployedRunTest {

  @Test
  void probe_log_lines_written_by_the_lambda_read_back_as_receipts() {
    DriftProbe.Receipt receipt =
        new DriftProbe.Receipt("job-1", 1_000, 1_000_120, 1_004_000, false);
    String line = LogLines.of(receipt);
    assertEquals(receipt, ProbeLog.parse(line).orElseThrow());
    assertEquals(receipt, ProbeLog.parse("  " + line + "\n").orElseThrow());
    assertTrue(ProbeLog.parse("START RequestId: 1f2e Version: $LATEST").isEmpty());
    assertTrue(ProbeLog.parse("{\"plannedAt\": \"not a receipt\"}").isEmpty());
  }

  @Test
  void stack_outputs_name_the_table_the_probe_and_its_log_group() {
    DeployedStack stack =
        DeployedStack.fromOutputs(
            "Subminute",
            Map.of(
                "TableName",
                "Subminute-Jobs",
                "DriftProbeWorkerArn",
                "arn:aws:lambda:eu-west-1:123456789012:function:subminute-worker-drift-probe-Subminute",
                "DriftProbeLogGroupName",
                "Subminute-DriftProbeWorkerLogs"));
    assertEquals("Subminute-Jobs", stack.tableName());
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeployedStack.fromOutputs("Old", Map.of("TableName", "t")));
    assertTrue(
        missing.getMessage().contains("has no output DriftProbeWorkerArn"), missing.getMessage());
  }

  @Test
  void receipts_are_counted_against_the_grid_and_a_second_delivery_is_a_duplicate() {
    Job job = Job.builder("job-1", "drift-probe", 1_000).build();
    List<DriftProbe.Receipt> receipts =
        List.of(
            new DriftProbe.Receipt("job-1", 1_000, 1_000_100, 1_003_000, false),
            new DriftProbe.Receipt("job-1", 1_000, 1_000_100, 1_009_000, true),
            new DriftProbe.Receipt("job-1", 3_000, 3_000_300, 2_999_500, false));
    DeployedRun.Result result = DeployedRun.account(List.of(job), receipts, 1_000, 4_000);
    assertEquals(new Accounting.Counts(3, 2, 1, 1, 0, -1, -1), result.counts());
    assertEquals(3, result.arrival().count(), "every delivery arrived");
    assertEquals(9_000, result.arrival().max(), 9);
    assertEquals(-500, result.arrival().min(), 1);
    assertEquals(1, result.arrival().earlyCount(), "an early arrival stays negative");
    assertEquals(300, result.dispatch().max(), 1);
  }
}
