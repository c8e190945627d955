package dev.subminute.controller.sfn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import dev.subminute.controller.testing.MotoServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The Step Functions adapter through the real SDK against moto's Step Functions API. */
class SfnExecutionsTest {
  static MotoServer moto;
  static SfnClient sfn;
  static String stateMachineArn;

  @BeforeAll
  static void startMoto() throws Exception {
    moto = MotoServer.start();
    sfn = moto.sfnClient().build();
    stateMachineArn =
        sfn.createStateMachine(
                r ->
                    r.name("subminute-controller")
                        .roleArn("arn:aws:iam::123456789012:role/sfn")
                        .definition(
                            "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":600,\"End\":true}}}"))
            .stateMachineArn();
  }

  @AfterAll
  static void stopMoto() throws Exception {
    sfn.close();
    moto.close();
  }

  @Test
  void a_duplicate_start_creates_no_second_execution() {
    SfnExecutions executions = new SfnExecutions(sfn, stateMachineArn);
    assertTrue(executions.start("job-a-r1", ControllerState.start("job-a", "job-a-r1")));
    // Step Functions answers a repeat of the same name and input like the first call
    executions.start("job-a-r1", ControllerState.start("job-a", "job-a-r1"));
    assertEquals(1, executions.running().stream().filter(e -> e.name().equals("job-a-r1")).count());
  }

  @Test
  void execution_already_exists_is_success_without_a_start() {
    SfnExecutions executions = new SfnExecutions(sfn, stateMachineArn);
    assertTrue(executions.start("job-c-r1", ControllerState.start("job-c", "job-c-r1")));
    assertFalse(executions.start("job-c-r1", ControllerState.start("job-c", "other-owner")));
    assertEquals(1, executions.running().stream().filter(e -> e.name().equals("job-c-r1")).count());
  }

  @Test
  void running_executions_are_described_on_demand_and_can_be_stopped() {
    SfnExecutions executions = new SfnExecutions(sfn, stateMachineArn);
    executions.start("job-b-r1", ControllerState.start("job-b", "job-b-r1"));
    List<Executions.RunningExecution> running = executions.running();
    Executions.RunningExecution listed =
        running.stream().filter(e -> e.name().equals("job-b-r1")).findFirst().orElseThrow();
    assertEquals(null, listed.jobId(), "listing reads no input");
    Executions.RunningExecution b = executions.describe(listed);
    assertEquals("job-b", b.jobId());
    assertEquals("job-b-r1", b.owner());
    executions.stop(b, "job deleted");
    assertTrue(executions.running().stream().noneMatch(e -> e.name().equals("job-b-r1")));
  }
}
