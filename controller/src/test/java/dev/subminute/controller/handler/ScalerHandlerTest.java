package dev.subminute.controller.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.HostScaling;
import dev.subminute.controller.testing.MotoServer;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The scaler against a real table (dynalite) and moto's Step Functions API. */
class ScalerHandlerTest {
  static MotoServer moto;
  static SfnClient sfn;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    sfn = moto.sfnClient().build();
  }

  @AfterAll
  static void stopMoto() throws Exception {
    sfn.close();
    moto.close();
  }

  @Test
  void keeps_one_host_per_target_rate_and_replaces_a_dead_one_the_next_minute() {
    JobTable table = SharedDynalite.newTable("scaler");
    for (int i = 0; i < 5; i++) {
      putJob(table, "job-" + i, 100); // 10 ticks/s each
    }
    putJob(table, "paused", 100, false);
    String hosts =
        sfn.createStateMachine(
                r ->
                    r.name("hosts")
                        .roleArn("arn:aws:iam::123456789012:role/sfn")
                        .definition(
                            "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}"))
            .stateMachineArn();
    AtomicLong now = new AtomicLong(1_764_000_000_000L);
    ScalerHandler scaler =
        new ScalerHandler(
            table,
            WorkerPolicy.parse("*"),
            sfn,
            hosts,
            new ScalerHandler.Settings(20, 2, 8),
            now::get);

    HostScaling first = scaler.scaleOnce();
    assertEquals(3, first.desired()); // 50 ticks/s at 20 per host
    assertEquals(List.of(0, 1, 2), first.start());
    assertEquals(List.of(), scaler.scaleOnce().start(), "a second run starts nothing");

    String slot1 = running(hosts).stream().filter(n -> n.startsWith("host-1-")).findFirst().get();
    sfn.stopExecution(
        r -> r.executionArn(hosts.replace(":stateMachine:", ":execution:") + ":" + slot1));
    now.addAndGet(60_000);
    assertEquals(List.of(1), scaler.scaleOnce().start(), "the dead slot starts again");
    assertEquals(3, running(hosts).size());

    table.delete("job-0");
    table.delete("job-1");
    table.delete("job-2");
    HostScaling shrunk = scaler.scaleOnce(); // 20 ticks/s: the floor of 2 hosts
    assertEquals(List.of(2), shrunk.stop());
    assertEquals(2, running(hosts).size());
  }

  private static List<String> running(String machine) {
    return sfn
        .listExecutions(r -> r.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING))
        .executions()
        .stream()
        .map(e -> e.name())
        .toList();
  }

  private static void putJob(JobTable table, String jobId, long intervalMs) {
    putJob(table, jobId, intervalMs, true);
  }

  private static void putJob(JobTable table, String jobId, long intervalMs, boolean running) {
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId", AttributeValue.fromS(jobId),
            "workerArn", AttributeValue.fromS("arn:aws:lambda:us-east-1:123456789012:function:w"),
            "intervalMs", AttributeValue.fromN(Long.toString(intervalMs)),
            "running", AttributeValue.fromBool(running)));
  }
}
