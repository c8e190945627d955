package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.handler.ControllerHandler;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.controller.testing.LocalController;
import dev.subminute.controller.testing.MotoServer;
import dev.subminute.controller.testing.TestLambdaContext;
import dev.subminute.model.Job;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The synthesized state machine on moto's ASL interpreter, its controller task answered by the real
 * ControllerHandler (through a proxy on moto's own port) against dynalite: a job parked between
 * ticks continues as new after the configured number of windows, so no execution's history grows
 * with the job's age. Windows are short here (1.5 s, WAIT beyond 1 s, continue-as-new after three).
 * The run stops once the execution enters ContinueAsNew: moto 5.2.1's startExecution integration
 * fails on this input (States.Runtime 'Input'); LocalStateMachineIT runs the continuations.
 */
class StateMachineHistoryIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int WINDOWS_PER_EXECUTION = 3;
  static final ControllerConfig CONFIG =
      new ControllerConfig(1_500, 1_000, 400, 1_000, 5_000, 100, WINDOWS_PER_EXECUTION);
  static final String STATE_MACHINE = "subminute-controller-history";
  static final String STATE_MACHINE_ARN =
      "arn:aws:states:us-east-1:123456789012:stateMachine:" + STATE_MACHINE;
  static final int HISTORY_LIMIT = 25_000;

  static JobTable table;
  static LocalController local;
  static LambdaProxy proxy;
  static MotoServer moto;
  static SfnClient sfn;

  @BeforeAll
  static void start() throws Exception {
    table = SharedDynalite.newTable("history");
    local = new LocalController(table, CONFIG);
    Reconciler reconciler =
        new Reconciler(
            new DynamoJobStore(table),
            new InMemoryExecutions(),
            new InMemoryExecutions(),
            WorkerPolicy.allowing(List.of("log")),
            System::currentTimeMillis);
    ControllerHandler handler =
        new ControllerHandler(local.controller, arn -> reconciler, local.time);
    int proxyPort = DynaliteServer.freePort();
    moto = MotoServer.start(Map.of("MOTO_PORT", Integer.toString(proxyPort)));
    proxy =
        new LambdaProxy(proxyPort, moto.endpoint())
            .register(
                "controller",
                payload -> {
                  ByteArrayOutputStream response = new ByteArrayOutputStream();
                  handler.handleRequest(
                      new ByteArrayInputStream(payload), response, new TestLambdaContext(900_000));
                  return response.toByteArray();
                });
    moto.executeStateMachines();
    sfn = moto.sfnClient().build();
    App app = new App();
    ObjectNode definition =
        (ObjectNode)
            StateMachineDefinition.of(
                JSON.valueToTree(
                    Template.fromStack(
                            SubminuteApp.build(
                                app,
                                SubminuteApp.codeFromBuild(SubminuteApp.repositoryRoot()),
                                null))
                        .toJSON()),
                Map.of("AWS::Partition", "aws"));
    // the ARN the stack derives from its id: here the one moto gives this name
    ((ObjectNode) definition.get("States").get("ContinueAsNew").get("Parameters"))
        .put("StateMachineArn", STATE_MACHINE_ARN);
    String function = "arn:aws:lambda:us-east-1:123456789012:function:controller";
    ((ObjectNode) definition.get("States").get("ControllerWindow")).put("Resource", function);
    sfn.createStateMachine(
        r ->
            r.name(STATE_MACHINE)
                .roleArn("arn:aws:iam::123456789012:role/controller-state-machine")
                .definition(definition.toString()));
  }

  @AfterAll
  static void stop() throws Exception {
    sfn.close();
    moto.close();
    proxy.close();
    local.close();
  }

  /** The history up to the first entry into {@code state}, waiting for it at most so long. */
  static List<HistoryEvent> historyUntil(String executionArn, String state, long timeoutMs)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      List<HistoryEvent> events = history(executionArn);
      for (int i = 0; i < events.size(); i++) {
        HistoryEvent e = events.get(i);
        if (e.stateEnteredEventDetails() != null
            && e.stateEnteredEventDetails().name().equals(state)) {
          return events.subList(0, i + 1);
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        executionArn
            + " did not enter "
            + state
            + " within "
            + timeoutMs
            + " ms; its history: "
            + history(executionArn).stream()
                .map(
                    e ->
                        e.typeAsString()
                            + (e.stateEnteredEventDetails() == null
                                ? ""
                                : " " + e.stateEnteredEventDetails().name()))
                .toList());
  }

  static List<HistoryEvent> history(String executionArn) {
    return sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn)).events().stream()
        .toList();
  }

  @Test
  void a_parked_job_continues_as_new_so_no_history_nears_the_limit() throws Exception {
    table.putIfAbsent(Job.builder("parked", "log", 2_000).build());
    String first =
        sfn.startExecution(
                r ->
                    r.stateMachineArn(STATE_MACHINE_ARN)
                        .name("parked-1")
                        .input("{\"jobId\": \"parked\", \"owner\": \"parked-1\"}"))
            .executionArn();
    List<HistoryEvent> events = historyUntil(first, "ContinueAsNew", 90_000);
    sfn.stopExecution(r -> r.executionArn(first));
    long parked = events.stream().filter(e -> e.typeAsString().equals("WaitStateEntered")).count();
    long windows =
        events.stream()
            .filter(
                e ->
                    e.typeAsString().equals("TaskStateEntered")
                        && e.stateEnteredEventDetails().name().equals("ControllerWindow"))
            .count();
    assertEquals(WINDOWS_PER_EXECUTION, windows, "windows before continuing as new");
    assertEquals(WINDOWS_PER_EXECUTION - 1, parked, "each window but the last ended parked");

    double perWindow = (double) events.size() / windows;
    int windowsOnLambda = ControllerConfig.lambda().windowsPerExecution();
    double largestHistory = perWindow * (windowsOnLambda + 1);
    System.out.printf(
        Locale.ROOT,
        "moto history: %d events for %d windows (%d parked): %.1f per window; with %d windows per"
            + " execution on Lambda no execution passes %.0f events, whatever the job's age%n",
        events.size(),
        windows,
        parked,
        perWindow,
        windowsOnLambda,
        largestHistory);
    assertTrue(largestHistory < HISTORY_LIMIT / 2.0, "history per execution: " + largestHistory);
    assertTrue(proxy.failures().isEmpty(), "controller windows that threw: " + proxy.failures());
  }
}
