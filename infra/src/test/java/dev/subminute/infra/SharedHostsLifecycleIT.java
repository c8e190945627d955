package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Starter;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.handler.DeletedJobsHandler;
import dev.subminute.controller.handler.EnrollHandler;
import dev.subminute.controller.handler.HostHandler;
import dev.subminute.controller.handler.StarterHandler;
import dev.subminute.controller.handler.StoppedExecutionHandler;
import dev.subminute.controller.host.HostConfig;
import dev.subminute.controller.host.dynamodb.DynamoShardStore;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.controller.sfn.SfnSharedExecutions;
import dev.subminute.controller.sfn.SfnTaskTokens;
import dev.subminute.controller.testing.MotoServer;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * A shared job's life on a real ASL interpreter: moto runs the synthesized job and host state
 * machines; their Lambda tasks reach the real handlers through {@link LambdaProxy}; the host
 * dispatches ticks through the real SDK Lambda client to the same proxy; the items live in
 * dynalite. History events are counted from moto's {@code GetExecutionHistory}. Jobs reach their
 * executions through the real starter, from stream records built from their items: a shared job an
 * execution of the job state machine, a dedicated one of the controller state machine.
 */
class SharedHostsLifecycleIT {
  static final String ACCOUNT = "123456789012";
  static final String FUNCTIONS = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:";
  static final String WORKER = FUNCTIONS + "probe";
  static final int SHARDS = 8;
  static final long WINDOW_MS = 8_000;
  static final int WINDOWS_PER_EXECUTION = 2;
  static final int HISTORY_LIMIT = 25_000;
  static final ObjectMapper JSON = new ObjectMapper();

  record Tick(String jobId, long plannedAt, long arrivedMs) {}

  static MotoServer moto;
  static LambdaProxy proxy;
  static SfnClient sfn;
  static DynamoDbClient dynamo;
  static String jobsTable;
  static String jobMachine;
  static String shortParkJobMachine;
  static String hostMachine;
  static String controllerMachine;
  static StarterHandler starter;
  static final ConcurrentLinkedQueue<JsonNode> controllerCalls = new ConcurrentLinkedQueue<>();
  static final ConcurrentLinkedQueue<Tick> ticks = new ConcurrentLinkedQueue<>();
  static final List<HostHandler> hostHandlers = new CopyOnWriteArrayList<>();
  static StoppedExecutionHandler stoppedExecutions;
  static DeletedJobsHandler deletedJobs;

  @BeforeAll
  static void start() throws Exception {
    int proxyPort = DynaliteServer.freePort();
    // moto_server with its StartExecution fixed to allow concurrent executions (see the script)
    Path launcher =
        Path.of(SharedHostsLifecycleIT.class.getResource("/moto_concurrent_executions.py").toURI());
    moto =
        MotoServer.start(
            List.of("python3", launcher.toString()),
            Map.of("MOTO_PORT", Integer.toString(proxyPort)));
    proxy = new LambdaProxy(proxyPort, moto.endpoint());
    sfn = sfnClient(moto.endpoint());
    SfnClient sfnThroughProxy = sfnClient(proxy.endpoint());
    moto.executeStateMachines();

    JsonNode template = new ObjectMapper().valueToTree(synthesized().toJSON());
    dynamo = SharedDynalite.client();
    jobsTable = "jobs-shared-hosts-" + System.nanoTime();
    createJobsTableWithShardIndex(jobsTable, shardIndexProjection(template));
    String shardsTable = DynamoShardStore.tableFor(jobsTable);
    new DynamoShardStore(dynamo, shardsTable).createIfMissing();
    Enrollments enrollments = new Enrollments(new JobTable(dynamo, jobsTable));

    EnrollHandler enroll =
        new EnrollHandler(
            enrollments, new SfnTaskTokens(sfnThroughProxy), SHARDS, System::currentTimeMillis);
    stoppedExecutions = new StoppedExecutionHandler(enrollments, System::currentTimeMillis);
    deletedJobs = new DeletedJobsHandler(new SfnTaskTokens(sfnThroughProxy));
    LambdaAsyncClient workers =
        LambdaWorkerInvoker.clientBuilder(64)
            .endpointOverride(proxy.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials())
            .build();
    HostHandler.Settings settings =
        new HostHandler.Settings(
            HostConfig.embedded().withShards(SHARDS), WINDOW_MS, WINDOWS_PER_EXECUTION, 500);
    proxy
        .register(
            "enroll", payload -> JSON.writeValueAsBytes(enroll.enroll(JSON.readTree(payload))))
        .register(
            "host",
            payload -> {
              // a Lambda container runs one invocation at a time: overlapping windows get their own
              HostHandler handler =
                  new HostHandler(
                      settings,
                      dynamo,
                      jobsTable,
                      shardsTable,
                      sfnThroughProxy,
                      new LambdaWorkerInvoker(workers),
                      WorkerPolicy.parse(FUNCTIONS + "*"),
                      SystemTimeSource.precise());
              hostHandlers.add(handler);
              return JSON.writeValueAsBytes(handler.runWindow(JSON.readTree(payload), 900_000));
            })
        .register(
            "controller",
            payload -> {
              // the dedicated controller's window, answered at once: the run ends STOPPED
              JsonNode call = JSON.readTree(payload);
              controllerCalls.add(call);
              return JSON.writeValueAsBytes(
                  ((com.fasterxml.jackson.databind.node.ObjectNode) call.get("input").deepCopy())
                      .put("action", "STOP")
                      .put("reason", "answered by the test"));
            })
        .register(
            "probe",
            payload -> {
              JsonNode event = JSON.readTree(payload);
              ticks.add(
                  new Tick(
                      event.get("jobId").asText(),
                      event.get("plannedAt").asLong(),
                      System.currentTimeMillis()));
              return new byte[0];
            });

    Map<String, String> substitutions =
        Map.of("EnrollFunctionArn", FUNCTIONS + "enroll", "HostFunctionArn", FUNCTIONS + "host");
    String jobDefinition = definition(template, "EnrollFunctionArn", substitutions);
    String hostDefinition = definition(template, "HostFunctionArn", substitutions);
    jobMachine = createStateMachine("subminute-jobs", jobDefinition);
    String thirtyDays = "\"TimeoutSeconds\":" + SharedHosts.PARK_SECONDS;
    assertTrue(jobDefinition.contains(thirtyDays));
    // the same definition parking 3 s instead of 30 days, to see it continue as new
    shortParkJobMachine =
        createStateMachine(
            "subminute-jobs-short", jobDefinition.replace(thirtyDays, "\"TimeoutSeconds\":3"));
    hostMachine = createStateMachine("subminute-hosts", hostDefinition);
    controllerMachine = createStateMachine("subminute-controller", controllerDefinition(template));
    starter =
        new StarterHandler(
            new Starter(
                new DynamoJobStore(new JobTable(dynamo, jobsTable)),
                new SfnExecutions(sfn, controllerMachine),
                new SfnSharedExecutions(sfn, jobMachine),
                WorkerPolicy.parse(FUNCTIONS + "*"),
                System::currentTimeMillis));
    sfn.startExecution(r -> r.stateMachineArn(hostMachine).name("host-0").input("{}"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (hostMachine != null) {
      for (var e : sfn.listExecutions(r -> r.stateMachineArn(hostMachine)).executions()) {
        if (e.status() == ExecutionStatus.RUNNING) {
          sfn.stopExecution(r -> r.executionArn(e.executionArn()));
        }
      }
    }
    if (proxy != null) {
      proxy.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void running_false_ends_the_parked_execution_succeeded_with_the_reason() throws Exception {
    String execution = startJob("stop-me", 200, jobMachine);
    awaitTicks("stop-me", 5);
    int parkedEvents = history(execution).size();
    Thread.sleep(2_000);
    assertEquals(parkedEvents, history(execution).size(), "a parked execution adds no events");

    setRunning("stop-me", false);
    DescribeExecutionResponse ended = awaitEnd(execution, 5_000);
    assertEquals(ExecutionStatus.SUCCEEDED, ended.status());
    JsonNode output = JSON.readTree(ended.output());
    assertEquals("STOPPED", output.get("status").asText());
    assertTrue(output.get("reason").asText().contains("running is false"), ended.output());
    int lifetimeEvents = history(execution).size();
    System.out.println("history events of one job lifetime (enroll, park, end): " + lifetimeEvents);
    assertTrue(lifetimeEvents <= 20, "events per job lifetime: " + lifetimeEvents);
    assertNoDuplicateTicks("stop-me");
    assertTrue(proxy.failures().isEmpty(), "handlers failed: " + proxy.failures());
  }

  @Test
  void an_invalid_item_ends_the_execution_failed_with_the_reason() throws Exception {
    String execution = startJob("invalid-later", 200, jobMachine);
    awaitTicks("invalid-later", 3);
    dynamo.updateItem(
        r ->
            r.tableName(jobsTable)
                .key(Map.of("jobId", AttributeValue.fromS("invalid-later")))
                .updateExpression("SET intervalMs = :bad")
                .expressionAttributeValues(Map.of(":bad", AttributeValue.fromN("50"))));
    DescribeExecutionResponse ended = awaitEnd(execution, 5_000);
    assertEquals(ExecutionStatus.FAILED, ended.status());
    assertEquals("subminute.INVALID", ended.error());
    assertTrue(ended.cause().contains("intervalMs"), ended.cause());
  }

  @Test
  void stop_execution_stops_the_job_within_5_seconds() throws Exception {
    String execution = startJob("stop-execution", 200, jobMachine);
    awaitTicks("stop-execution", 5);
    long stoppedAt = System.currentTimeMillis();
    sfn.stopExecution(r -> r.executionArn(execution));
    DescribeExecutionResponse aborted = sfn.describeExecution(r -> r.executionArn(execution));
    // moto's interpreter keeps a parked execution RUNNING after StopExecution; Step Functions
    // reports it ABORTED, and EventBridge delivers the status change below
    aborted = sfn.describeExecution(r -> r.executionArn(execution));
    // what EventBridge delivers for the job state machine's status change
    String event =
        JSON.createObjectNode()
            .put("source", "aws.states")
            .put("detail-type", "Step Functions Execution Status Change")
            .set(
                "detail",
                JSON.createObjectNode()
                    .put("executionArn", execution)
                    .put("stateMachineArn", jobMachine)
                    .put("name", aborted.name())
                    .put("status", "ABORTED")
                    .put("input", aborted.input()))
            .toString();
    assertTrue(stoppedExecutions.onStatusChange(JSON.readTree(event)));
    Thread.sleep(6_000);
    long lastArrival =
        ticks.stream()
            .filter(t -> t.jobId().equals("stop-execution"))
            .mapToLong(Tick::arrivedMs)
            .max()
            .orElseThrow();
    long stopTookMs = lastArrival - stoppedAt;
    System.out.println("last tick after StopExecution: " + stopTookMs + " ms");
    assertTrue(stopTookMs < 5_000, "ticks went on for " + stopTookMs + " ms");
    Map<String, AttributeValue> item = item("stop-execution");
    assertEquals(false, item.get("running").bool());
    assertEquals("STOPPED", item.get("status").s());
  }

  @Test
  void a_deleted_item_ends_its_execution_from_the_old_image() throws Exception {
    String execution = startJob("delete-me", 200, jobMachine);
    awaitTicks("delete-me", 3);
    Map<String, AttributeValue> old = item("delete-me");
    dynamo.deleteItem(
        r -> r.tableName(jobsTable).key(Map.of("jobId", AttributeValue.fromS("delete-me"))));
    var record =
        new com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord();
    record.setEventName("REMOVE");
    var stream = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
    stream.setSequenceNumber("1");
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
        new HashMap<>();
    old.forEach(
        (k, v) -> {
          if (v.s() != null) {
            image.put(
                k,
                new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue(
                    v.s()));
          }
        });
    stream.setOldImage(image);
    record.setDynamodb(stream);
    var event = new com.amazonaws.services.lambda.runtime.events.DynamodbEvent();
    event.setRecords(List.of(record));
    assertTrue(deletedJobs.handleRequest(event, null).getBatchItemFailures().isEmpty());
    DescribeExecutionResponse ended = awaitEnd(execution, 5_000);
    assertEquals(ExecutionStatus.SUCCEEDED, ended.status());
    assertEquals("DELETED", JSON.readTree(ended.output()).get("status").asText());
  }

  @Test
  void a_parked_execution_continues_as_new_and_the_job_keeps_its_grid() throws Exception {
    String first = startJob("long-lived", 200, shortParkJobMachine);
    String next = first.replace(":long-lived", ":long-lived-c1");
    DescribeExecutionResponse firstEnd = awaitEnd(first, 15_000);
    assertEquals(ExecutionStatus.SUCCEEDED, firstEnd.status(), String.valueOf(history(first)));
    await(() -> running(next), 10_000, "the continuation runs");
    int continuedEvents = history(first).size();
    System.out.println(
        "history events of one parked period ending in continue-as-new: " + continuedEvents);
    // a year is 13 periods of 30 days, each its own execution
    assertTrue(continuedEvents < HISTORY_LIMIT);
    assertTrue(continuedEvents <= 30, "events per parked period: " + continuedEvents);
    awaitTicks("long-lived", 30);
    assertNoDuplicateTicks("long-lived");
    setRunning("long-lived", false);
    String last = latestExecution(shortParkJobMachine, "long-lived");
    awaitEnd(last, 5_000);
  }

  @Test
  void a_host_replaced_mid_run_leaves_the_job_execution_untouched() throws Exception {
    String execution = startJob("survivor", 200, jobMachine);
    awaitTicks("survivor", 5);
    int events = history(execution).size();
    String hostExecution = latestExecution(hostMachine, "host-0");
    sfn.stopExecution(r -> r.executionArn(hostExecution)); // the host's slot dies
    String replacement =
        sfn.startExecution(r -> r.stateMachineArn(hostMachine).name("host-1").input("{}"))
            .executionArn();
    long replacedAt = System.currentTimeMillis();
    Thread.sleep(2 * WINDOW_MS);
    assertTrue(running(execution), "the job's execution still runs");
    assertEquals(events, history(execution).size(), "and gained no history event");
    long ticksAfter =
        ticks.stream()
            .filter(t -> t.jobId().equals("survivor") && t.arrivedMs() > replacedAt + WINDOW_MS)
            .count();
    assertTrue(ticksAfter >= 20, "ticks in the last window: " + ticksAfter);
    assertNoDuplicateTicks("survivor");
    int hostWindowEvents = eventsPerHostWindow(replacement);
    assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(replacement, 3 * WINDOW_MS).status());
    latestExecution(hostMachine, "host-1-g1"); // it continued as new after its windows
    System.out.println("history events per host window: " + hostWindowEvents);
    assertTrue(
        hostWindowEvents * SharedHosts.HOST_WINDOWS_PER_EXECUTION < HISTORY_LIMIT,
        hostWindowEvents + " events per window");
  }

  @Test
  void a_shared_item_through_the_starter_is_enrolled_and_parked_on_the_job_state_machine()
      throws Exception {
    putItem("routed-shared", 200, null);
    DynamodbEvent insert = streamEvent("INSERT", "7001", item("routed-shared"));
    assertTrue(starter.handleRequest(insert, null).getBatchItemFailures().isEmpty());
    starter.handleRequest(insert, null); // redelivered
    List<String> executions = executionsOf(jobMachine, "routed-shared-");
    assertEquals(1, executions.size(), "one execution of the job state machine: " + executions);
    String execution = executions.get(0);
    await(() -> item("routed-shared").containsKey(Enrollments.TASK_TOKEN), 10_000, "enrolled");
    Map<String, AttributeValue> enrolled = item("routed-shared");
    assertEquals(
        execution.substring(execution.lastIndexOf(':') + 1),
        enrolled.get(Enrollments.EXECUTION).s());
    assertTrue(enrolled.containsKey(Enrollments.SHARD), "in the shard index");
    assertTrue(running(execution), "parked");
    awaitTicks("routed-shared", 3);
    await(() -> item("routed-shared").containsKey("status"), 10_000, "the host's RUNNING status");
    Map<String, AttributeValue> indexed =
        new Enrollments(new JobTable(dynamo, jobsTable))
            .shardItems(Integer.parseInt(enrolled.get(Enrollments.SHARD).n())).stream()
                .filter(i -> i.get("jobId").s().equals("routed-shared"))
                .findFirst()
                .orElseThrow();
    assertEquals("RUNNING", indexed.get("status").s(), "the index carries the status");
    assertTrue(!indexed.containsKey(Enrollments.TASK_TOKEN), "but not the token: " + indexed);
    assertTrue(!indexed.containsKey("updatedAt"), "nor what the hosts flush: " + indexed);
    assertEquals(List.of(), executionsOf(controllerMachine, "routed-shared"), "no dedicated one");
    // a host's status write, were it to pass the stream filter (which drops enrolled items)
    DynamodbEvent modify = streamEvent("MODIFY", "7002", item("routed-shared"));
    assertTrue(starter.handleRequest(modify, null).getBatchItemFailures().isEmpty());
    assertEquals(1, executionsOf(jobMachine, "routed-shared-").size(), "starts nothing");
    setRunning("routed-shared", false);
    assertEquals(ExecutionStatus.SUCCEEDED, awaitEnd(execution, 5_000).status());
    assertNoDuplicateTicks("routed-shared");
  }

  @Test
  void a_dedicated_item_through_the_starter_starts_the_controller_state_machine() throws Exception {
    putItem("routed-dedicated", 200, "DEDICATED");
    DynamodbEvent insert = streamEvent("INSERT", "7101", item("routed-dedicated"));
    assertTrue(starter.handleRequest(insert, null).getBatchItemFailures().isEmpty());
    List<String> executions = executionsOf(controllerMachine, "routed-dedicated-");
    assertEquals(1, executions.size(), "one controller execution: " + executions);
    String name = executions.get(0).substring(executions.get(0).lastIndexOf(':') + 1);
    await(
        () -> controllerCalls.stream().anyMatch(c -> c.path("executionName").asText().equals(name)),
        10_000,
        "the controller's first window");
    JsonNode window =
        controllerCalls.stream()
            .filter(c -> c.path("executionName").asText().equals(name))
            .findFirst()
            .orElseThrow();
    assertEquals("routed-dedicated", window.get("input").get("jobId").asText());
    assertEquals(name, window.get("input").get("owner").asText());
    assertEquals(List.of(), executionsOf(jobMachine, "routed-dedicated"), "no shared one");
    assertTrue(!item("routed-dedicated").containsKey(Enrollments.TASK_TOKEN), "not enrolled");
  }

  @Test
  void an_invalid_item_through_the_starter_is_marked_and_starts_nothing() throws Exception {
    putItem("routed-invalid", 50, null);
    DynamodbEvent insert = streamEvent("INSERT", "7201", item("routed-invalid"));
    assertTrue(starter.handleRequest(insert, null).getBatchItemFailures().isEmpty());
    assertEquals("INVALID", item("routed-invalid").get("status").s());
    assertEquals(List.of(), executionsOf(jobMachine, "routed-invalid"));
    assertEquals(List.of(), executionsOf(controllerMachine, "routed-invalid"));
  }

  // ---- helpers

  static void putItem(String jobId, long intervalMs, String placement) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("jobId", AttributeValue.fromS(jobId));
    item.put("workerArn", AttributeValue.fromS(WORKER));
    item.put("intervalMs", AttributeValue.fromN(Long.toString(intervalMs)));
    item.put("running", AttributeValue.fromBool(true));
    if (placement != null) {
      item.put("placement", AttributeValue.fromS(placement));
    }
    dynamo.putItem(r -> r.tableName(jobsTable).item(item));
  }

  /** The stream record Lambda would deliver for a write that left {@code item}. */
  static DynamodbEvent streamEvent(
      String eventName, String sequence, Map<String, AttributeValue> item) {
    Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
        new HashMap<>();
    item.forEach(
        (k, v) -> {
          var value =
              new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
          if (v.s() != null) {
            value.setS(v.s());
          } else if (v.n() != null) {
            value.setN(v.n());
          } else if (v.bool() != null) {
            value.setBOOL(v.bool());
          } else {
            throw new IllegalArgumentException("a test item holds S, N and BOOL only: " + k);
          }
          image.put(k, value);
        });
    var stream = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord();
    stream.setSequenceNumber(sequence);
    stream.setNewImage(image);
    var record = new DynamodbEvent.DynamodbStreamRecord();
    record.setEventName(eventName);
    record.setDynamodb(stream);
    DynamodbEvent event = new DynamodbEvent();
    event.setRecords(List.of(record));
    return event;
  }

  static List<String> executionsOf(String machine, String namePrefix) {
    return sfn.listExecutions(r -> r.stateMachineArn(machine)).executions().stream()
        .filter(e -> e.name().startsWith(namePrefix))
        .map(e -> e.executionArn())
        .toList();
  }

  /** The dedicated controller's state machine, its window invoking the test's "controller". */
  static String controllerDefinition(JsonNode template) {
    com.fasterxml.jackson.databind.node.ObjectNode definition =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            StateMachineDefinition.of(template, Map.of("AWS::Partition", "aws"));
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            definition.get("States").get("ControllerWindow"))
        .put("Resource", FUNCTIONS + "controller");
    return definition.toString();
  }

  static String startJob(String jobId, long intervalMs, String machine) {
    dynamo.putItem(
        r ->
            r.tableName(jobsTable)
                .item(
                    Map.of(
                        "jobId", AttributeValue.fromS(jobId),
                        "workerArn", AttributeValue.fromS(WORKER),
                        "intervalMs", AttributeValue.fromN(Long.toString(intervalMs)),
                        "running", AttributeValue.fromBool(true))));
    return sfn.startExecution(
            r ->
                r.stateMachineArn(machine)
                    .name(jobId)
                    .input(JSON.createObjectNode().put("jobId", jobId).toString()))
        .executionArn();
  }

  static void setRunning(String jobId, boolean running) {
    dynamo.updateItem(
        r ->
            r.tableName(jobsTable)
                .key(Map.of("jobId", AttributeValue.fromS(jobId)))
                .updateExpression("SET running = :r")
                .expressionAttributeValues(Map.of(":r", AttributeValue.fromBool(running))));
  }

  static Map<String, AttributeValue> item(String jobId) {
    return dynamo
        .getItem(
            r ->
                r.tableName(jobsTable)
                    .key(Map.of("jobId", AttributeValue.fromS(jobId)))
                    .consistentRead(true))
        .item();
  }

  static void awaitTicks(String jobId, int count) throws InterruptedException {
    await(
        () -> ticks.stream().filter(t -> t.jobId().equals(jobId)).count() >= count,
        30_000,
        count + " ticks of " + jobId);
  }

  static void assertNoDuplicateTicks(String jobId) {
    Set<Long> seen = new HashSet<>();
    List<Long> twice = new ArrayList<>();
    ticks.stream()
        .filter(t -> t.jobId().equals(jobId))
        .forEach(
            t -> {
              if (!seen.add(t.plannedAt())) {
                twice.add(t.plannedAt());
              }
            });
    assertEquals(List.of(), twice, "ticks of " + jobId + " fired twice");
  }

  static boolean running(String executionArn) {
    try {
      return sfn.describeExecution(r -> r.executionArn(executionArn)).status()
          == ExecutionStatus.RUNNING;
    } catch (software.amazon.awssdk.services.sfn.model.ExecutionDoesNotExistException e) {
      return false;
    }
  }

  static DescribeExecutionResponse awaitEnd(String executionArn, long timeoutMs)
      throws InterruptedException {
    try {
      await(() -> !running(executionArn), timeoutMs, executionArn + " ends");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; its history: " + history(executionArn), e);
    }
    return sfn.describeExecution(r -> r.executionArn(executionArn));
  }

  static String latestExecution(String machine, String namePrefix) {
    return sfn.listExecutions(r -> r.stateMachineArn(machine)).executions().stream()
        .filter(e -> e.name().startsWith(namePrefix) && e.status() == ExecutionStatus.RUNNING)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no running execution " + namePrefix))
        .executionArn();
  }

  static List<HistoryEvent> history(String executionArn) {
    List<HistoryEvent> events = new ArrayList<>();
    sfn.getExecutionHistoryPaginator(r -> r.executionArn(executionArn))
        .forEach(page -> events.addAll(page.events()));
    return events;
  }

  /** Events between the ends of two successive windows of a running host execution. */
  static int eventsPerHostWindow(String executionArn) throws InterruptedException {
    await(
        () -> windowEnds(history(executionArn)).size() >= 2,
        3 * WINDOW_MS,
        "two host windows of " + executionArn);
    List<Integer> ends = windowEnds(history(executionArn));
    return ends.get(1) - ends.get(0);
  }

  private static List<Integer> windowEnds(List<HistoryEvent> events) {
    List<Integer> ends = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).typeAsString().equals("TaskSucceeded")) {
        ends.add(i);
      }
    }
    return ends;
  }

  static void await(BooleanSupplier condition, long timeoutMs, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after "
                + timeoutMs
                + " ms waiting for "
                + what
                + "; handler failures: "
                + proxy.failures());
      }
      Thread.sleep(100);
    }
  }

  static Template synthesized() {
    return Template.fromStack(
        SubminuteApp.build(
            new App(), SubminuteApp.codeFromBuild(SubminuteApp.repositoryRoot()), null));
  }

  /** The definition of the state machine substituting {@code key}, with the values given. */
  static String definition(JsonNode template, String key, Map<String, String> values) {
    for (JsonNode resource : template.get("Resources")) {
      JsonNode properties = resource.path("Properties");
      if (resource.get("Type").asText().equals("AWS::StepFunctions::StateMachine")
          && properties.path("DefinitionSubstitutions").has(key)) {
        String definition = properties.get("DefinitionString").asText();
        for (var name :
            (Iterable<String>) () -> properties.get("DefinitionSubstitutions").fieldNames()) {
          definition = definition.replace("${" + name + "}", values.get(name));
        }
        return definition;
      }
    }
    throw new AssertionError("no state machine with substitution " + key);
  }

  static String createStateMachine(String name, String definition) {
    return sfn.createStateMachine(
            r ->
                r.name(name)
                    .roleArn("arn:aws:iam::" + ACCOUNT + ":role/sfn")
                    .definition(definition))
        .stateMachineArn();
  }

  /** The shard index's projection as the stack deploys it. */
  static Projection shardIndexProjection(JsonNode template) {
    for (JsonNode resource : template.get("Resources")) {
      for (JsonNode index : resource.path("Properties").path("GlobalSecondaryIndexes")) {
        if (index.get("IndexName").asText().equals(Enrollments.SHARD_INDEX)) {
          JsonNode projection = index.get("Projection");
          List<String> attributes = new ArrayList<>();
          projection.path("NonKeyAttributes").forEach(a -> attributes.add(a.asText()));
          return Projection.builder()
              .projectionType(projection.get("ProjectionType").asText())
              .nonKeyAttributes(attributes.isEmpty() ? null : attributes)
              .build();
        }
      }
    }
    throw new AssertionError("no shard index in the template");
  }

  static void createJobsTableWithShardIndex(String name, Projection projection) {
    dynamo.createTable(
        r ->
            r.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(key("jobId"))
                .attributeDefinitions(
                    AttributeDefinition.builder()
                        .attributeName("jobId")
                        .attributeType(ScalarAttributeType.S)
                        .build(),
                    AttributeDefinition.builder()
                        .attributeName(Enrollments.SHARD)
                        .attributeType(ScalarAttributeType.N)
                        .build())
                .globalSecondaryIndexes(
                    GlobalSecondaryIndex.builder()
                        .indexName(Enrollments.SHARD_INDEX)
                        .keySchema(key(Enrollments.SHARD))
                        .projection(projection)
                        .build()));
    dynamo.waiter().waitUntilTableExists(r -> r.tableName(name));
  }

  private static KeySchemaElement key(String attribute) {
    return KeySchemaElement.builder().attributeName(attribute).keyType(KeyType.HASH).build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("ak", "sk"));
  }

  private static SfnClient sfnClient(URI endpoint) {
    return SfnClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClientBuilder(ApacheHttpClient.builder())
        .build();
  }
}
