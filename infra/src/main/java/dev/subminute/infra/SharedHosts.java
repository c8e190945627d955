package dev.subminute.infra;

import static dev.subminute.infra.StackParts.allow;
import static dev.subminute.infra.StackParts.ordered;
import static dev.subminute.infra.StackParts.suppression;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

/**
 * Shared hosts on AWS: the shards table and the jobs table's shard index; the job state machine,
 * whose execution enrolls its job and parks on a task token until the job ends; the host state
 * machine, whose executions run the host Lambda window after window; and the functions that
 * complete a parked execution when its item is deleted or mark its job stopped when the execution
 * is stopped; and the scaler that keeps the host count following the tick rate. Each function has a
 * role with exactly the actions its code calls.
 */
public final class SharedHosts extends Construct {
  /**
   * What the shard index carries besides its keys: the attributes a host reads every second (the
   * {@code Enrollments.SHARD_INDEX_ATTRIBUTES} of the jobs table's door, which a test holds this
   * to). Not the task token nor the counts the hosts flush, so flushes write the table alone and
   * the Query reads a few hundred bytes per job.
   */
  static final List<String> SHARD_INDEX_ATTRIBUTES =
      List.of(
          "workerArn",
          "intervalMs",
          "running",
          "payload",
          "offsetMs",
          "profile",
          "timezone",
          "misfire",
          "placement",
          "version",
          "status",
          "statusReason");

  /** The shards jobs are hashed into: fixed for a deployment, hosts come and go. */
  static final int SHARDS = 64;

  /** The CPU of one full vCPU: one host runs one timer thread at full speed. */
  static final int HOST_MEMORY_MB = 1_769;

  static final long HOST_WINDOW_MS = 840_000;

  /**
   * JAVA_TOOL_OPTIONS of the host function: the C2 compiler, the Shenandoah collector without its
   * pacing, Linux nice values for thread priorities, nice 4 for the compiler's threads and nice 10
   * for the collector's, on top of Lambda's defaults. Equal to the controller's {@code
   * HostHandler.JVM_OPTIONS}, which the host-capacity benchmark measures (SharedHostsIT holds the
   * two equal; the CDK app imports no runtime code).
   */
  static final String HOST_JVM_OPTIONS =
      "-XX:TieredStopAtLevel=4 -XX:+UseShenandoahGC -XX:ThreadPriorityPolicy=1"
          + " -XX:CompilerThreadPriority=4 -XX:JavaPriority9_To_OSPriority=10"
          + " -XX:+UnlockExperimentalVMOptions -XX:-ShenandoahPacing";

  static final int HOST_WINDOWS_PER_EXECUTION = 1_000;

  /** A parked execution continues as new after this long: 30 days. */
  static final int PARK_SECONDS = 2_592_000;

  /**
   * A window task that has not completed its token this long after its start ran into trouble (the
   * host Lambda timed out or crashed): it fails and the next window replaces it. Meanwhile the
   * other host slots take its shards when its leases run out.
   */
  static final int HOST_WINDOW_TIMEOUT_SECONDS = 900 + 60;

  static final String HOST_HANDLER = "dev.subminute.controller.handler.HostHandler::handleRequest";
  static final String ENROLL_HANDLER =
      "dev.subminute.controller.handler.EnrollHandler::handleRequest";
  static final String DELETED_JOBS_HANDLER =
      "dev.subminute.controller.handler.DeletedJobsHandler::handleRequest";
  static final String SCALER_HANDLER =
      "dev.subminute.controller.handler.ScalerHandler::handleRequest";

  /** The tick rate each host is given: its measured capacity less headroom. */
  static final int TICKS_PER_HOST = 1_000;

  /** Two hosts at least, so that one dying moves its shards to the other within a lease. */
  static final int MIN_HOSTS = 2;

  static final String STOPPED_EXECUTION_HANDLER =
      "dev.subminute.controller.handler.StoppedExecutionHandler::handleRequest";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LAMBDA_SERVICE_ERRORS =
      List.of(
          "Lambda.ServiceException",
          "Lambda.AWSLambdaException",
          "Lambda.SdkClientException",
          "Lambda.TooManyRequestsException");

  private final String jobMachineArn;

  public SharedHosts(
      Construct scope, String id, Table jobs, Code controllerCode, List<String> allowedWorkers) {
    super(scope, id);
    Stack stack = Stack.of(this);

    jobs.addGlobalSecondaryIndex(
        GlobalSecondaryIndexProps.builder()
            .indexName("shard-index")
            .partitionKey(Attribute.builder().name("shard").type(AttributeType.NUMBER).build())
            .projectionType(ProjectionType.INCLUDE)
            .nonKeyAttributes(SHARD_INDEX_ATTRIBUTES)
            .build());
    Table shards =
        Table.Builder.create(this, "Shards")
            .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    // from the stack's id, not its name: any stack name (up to 128 characters) fits the 80 allowed
    String nameSuffix = Fn.select(0, Fn.split("-", Fn.select(2, Fn.split("/", Aws.STACK_ID))));
    String jobMachineName = Fn.join("-", List.of("subminute-jobs", nameSuffix));
    String hostMachineName = Fn.join("-", List.of("subminute-hosts", nameSuffix));
    jobMachineArn = stateMachineArn(stack, jobMachineName);
    String hostMachineArn = stateMachineArn(stack, hostMachineName);
    String shardIndexArn = jobs.getTableArn() + "/index/shard-index";
    String shardCount = Integer.toString(SHARDS);

    Function enroll =
        function(
            "Enroll",
            controllerCode,
            ENROLL_HANDLER,
            512,
            Duration.seconds(30),
            ordered("TABLE_NAME", jobs.getTableName(), "SHARDS", shardCount),
            "Enrolls a shared job: its task token and shard on its item");
    allow(enroll, List.of("dynamodb:UpdateItem", "dynamodb:GetItem"), jobs.getTableArn());
    allow(enroll, List.of("states:SendTaskSuccess"), jobMachineArn);

    Function host =
        function(
            "Host",
            controllerCode,
            HOST_HANDLER,
            HOST_MEMORY_MB,
            Duration.minutes(15),
            ordered(
                "TABLE_NAME", jobs.getTableName(),
                "SHARDS_TABLE_NAME", shards.getTableName(),
                "SHARDS", shardCount,
                "HOST_WINDOW_MS", Long.toString(HOST_WINDOW_MS),
                "JAVA_TOOL_OPTIONS", HOST_JVM_OPTIONS,
                "WINDOWS_PER_EXECUTION", Integer.toString(HOST_WINDOWS_PER_EXECUTION),
                "ALLOWED_WORKERS", Fn.join(",", allowedWorkers)),
            "Runs the timers of every job in the shards it holds, one window per invocation");
    allow(host, List.of("dynamodb:Query"), shardIndexArn);
    allow(host, List.of("dynamodb:UpdateItem", "dynamodb:GetItem"), jobs.getTableArn());
    allow(
        host,
        List.of("dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"),
        shards.getTableArn());
    allow(host, List.of("states:SendTaskSuccess", "states:SendTaskFailure"), jobMachineArn);
    allow(host, List.of("states:SendTaskSuccess"), hostMachineArn);
    host.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("lambda:InvokeFunction"))
            .resources(allowedWorkers)
            .build());

    Function deletedJobs =
        function(
            "DeletedJobs",
            controllerCode,
            DELETED_JOBS_HANDLER,
            512,
            Duration.seconds(30),
            Map.of(),
            "Ends the parked execution of a deleted job, with the token from the old image");
    allow(deletedJobs, List.of("states:SendTaskSuccess"), jobMachineArn);
    deletedJobs.addEventSource(
        DynamoEventSource.Builder.create(jobs)
            .startingPosition(StartingPosition.LATEST)
            .batchSize(100)
            .bisectBatchOnError(true)
            .retryAttempts(5)
            .reportBatchItemFailures(true)
            .filters(
                List.of(
                    FilterCriteria.filter(
                        ordered(
                            "eventName",
                            FilterRule.isEqual("REMOVE"),
                            "dynamodb",
                            ordered(
                                "OldImage",
                                ordered("taskToken", ordered("S", FilterRule.exists())))))))
            .build());

    Function stoppedExecution =
        function(
            "StoppedExecution",
            controllerCode,
            STOPPED_EXECUTION_HANDLER,
            512,
            Duration.seconds(30),
            ordered("TABLE_NAME", jobs.getTableName()),
            "Stops the job whose execution was stopped");
    allow(stoppedExecution, List.of("dynamodb:UpdateItem"), jobs.getTableArn());
    Rule.Builder.create(this, "JobExecutionStopped")
        .eventPattern(
            EventPattern.builder()
                .source(List.of("aws.states"))
                .detailType(List.of("Step Functions Execution Status Change"))
                .detail(
                    ordered(
                        "status", List.of("ABORTED"), "stateMachineArn", List.of(jobMachineArn)))
                .build())
        .targets(List.of(new LambdaFunction(stoppedExecution)))
        .build();

    StateMachine jobMachine =
        stateMachine(
            "JobStateMachine",
            jobMachineName,
            jobDefinition(),
            ordered("EnrollFunctionArn", enroll.getFunctionArn()));
    allow(jobMachine, List.of("lambda:InvokeFunction"), enroll.getFunctionArn());
    allow(jobMachine, List.of("states:StartExecution"), jobMachineArn);

    StateMachine hostMachine =
        stateMachine(
            "HostStateMachine",
            hostMachineName,
            hostDefinition(),
            ordered("HostFunctionArn", host.getFunctionArn()));
    allow(hostMachine, List.of("lambda:InvokeFunction"), host.getFunctionArn());
    allow(hostMachine, List.of("states:StartExecution"), hostMachineArn);

    Function scaler =
        function(
            "Scaler",
            controllerCode,
            SCALER_HANDLER,
            512,
            Duration.minutes(1),
            ordered(
                "TABLE_NAME", jobs.getTableName(),
                "ALLOWED_WORKERS", Fn.join(",", allowedWorkers),
                "HOST_STATE_MACHINE_ARN", hostMachineArn,
                "TICKS_PER_HOST", Integer.toString(TICKS_PER_HOST),
                "MIN_HOSTS", Integer.toString(MIN_HOSTS),
                "MAX_HOSTS", shardCount),
            "Keeps one host per target tick rate running; starts a dead host's slot again");
    allow(scaler, List.of("dynamodb:Scan"), jobs.getTableArn());
    allow(scaler, List.of("states:ListExecutions", "states:StartExecution"), hostMachineArn);
    allow(
        scaler,
        List.of("states:StopExecution"),
        stack.formatArn(
            ArnComponents.builder()
                .service("states")
                .resource("execution")
                .resourceName(hostMachineName + ":*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build()));
    Rule.Builder.create(this, "ScaleEveryMinute")
        .schedule(Schedule.rate(Duration.minutes(1)))
        .targets(List.of(new LambdaFunction(scaler)))
        .build();
    // their policies are complete only now: the wildcards explained on these two roles alone
    for (Function fn : List.of(deletedJobs, scaler)) {
      NagSuppressions.addResourceSuppressions(
          fn.getRole(),
          List.of(
              suppression(
                  "AwsSolutions-IAM5",
                  "SendTaskSuccess and SendTaskFailure take no resource (a task token is not an"
                      + " ARN); executions of this stack's host state machine end in their"
                      + " names.")),
          true);
    }
  }

  /** The job state machine, whose executions the starter and the reconciler start. */
  public String jobStateMachineArn() {
    return jobMachineArn;
  }

  /**
   * The job's execution: enrolls the job and parks on the task token until whoever sees the job end
   * completes it (SUCCEEDED with the reason as output, or FAILED with it as cause). After {@link
   * #PARK_SECONDS} it continues as new, so its history stays a few dozen events.
   */
  static String jobDefinition() {
    ObjectNode states = JSON.createObjectNode();
    ObjectNode enroll =
        task(
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            JSON.createObjectNode()
                .put("FunctionName", "${EnrollFunctionArn}")
                .set(
                    "Payload",
                    JSON.createObjectNode()
                        .put("jobId.$", "$.jobId")
                        .put("taskToken.$", "$$.Task.Token")
                        .put("execution.$", "$$.Execution.Name")));
    enroll.put("TimeoutSeconds", PARK_SECONDS).put("ResultPath", "$.ended");
    enroll.set("Retry", JSON.createArrayNode().add(retry(LAMBDA_SERVICE_ERRORS, 6)));
    enroll.set("Catch", catchTo(List.of("States.Timeout"), "Continuation"));
    enroll.put("Next", "Ended");
    states.set("Enroll", enroll);
    states.set(
        "Ended",
        JSON.createObjectNode().put("Type", "Pass").put("OutputPath", "$.ended").put("End", true));
    ObjectNode continuation = JSON.createObjectNode().put("Type", "Choice");
    continuation.set(
        "Choices",
        JSON.createArrayNode()
            .add(
                JSON.createObjectNode()
                    .put("Variable", "$.continuation")
                    .put("IsPresent", true)
                    .put("Next", "CountContinuation")));
    continuation.put("Default", "FirstContinuation");
    states.set("Continuation", continuation);
    states.set(
        "FirstContinuation",
        pass(JSON.createObjectNode().put("jobId.$", "$.jobId").put("continuation", 1)));
    states.set(
        "CountContinuation",
        pass(
            JSON.createObjectNode()
                .put("jobId.$", "$.jobId")
                .put("continuation.$", "States.MathAdd($.continuation, 1)")));
    states.set(
        "ContinueAsNew",
        continueAsNew(
            "States.Format('{}-c{}', $.jobId, $.continuation)",
            JSON.createObjectNode()
                .set(
                    "Input",
                    JSON.createObjectNode()
                        .put("jobId.$", "$.jobId")
                        .put("continuation.$", "$.continuation"))));
    states.set("ContinuedAsNew", JSON.createObjectNode().put("Type", "Succeed"));
    return definition(
        "A shared job's life: enroll, park on the task token until the job ends, continue as new"
            + " every 30 days",
        "Enroll",
        states);
  }

  /**
   * A host slot: window after window of the host Lambda, each started when the previous one
   * completes its token near its end, so that the two overlap for the handover. A window that fails
   * or times out is replaced by the next; after its windows the execution continues as new.
   */
  static String hostDefinition() {
    ObjectNode states = JSON.createObjectNode();
    ObjectNode window =
        task(
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            JSON.createObjectNode()
                .put("FunctionName", "${HostFunctionArn}")
                .put("InvocationType", "Event")
                .set(
                    "Payload",
                    JSON.createObjectNode()
                        .put("state.$", "$")
                        .put("taskToken.$", "$$.Task.Token")
                        .put("execution.$", "$$.Execution.Name")));
    window
        .put("TimeoutSeconds", HOST_WINDOW_TIMEOUT_SECONDS)
        .set("Retry", JSON.createArrayNode().add(retry(LAMBDA_SERVICE_ERRORS, 6)));
    window.set("Catch", catchTo(List.of("States.ALL"), "Replace"));
    window.put("Next", "ByWindows");
    states.set("Window", window);
    states.set(
        "Replace",
        JSON.createObjectNode().put("Type", "Wait").put("Seconds", 1).put("Next", "Window"));
    ObjectNode byWindows = JSON.createObjectNode().put("Type", "Choice");
    byWindows.set(
        "Choices",
        JSON.createArrayNode()
            .add(
                JSON.createObjectNode()
                    .put("Variable", "$.continueAsNew")
                    .put("BooleanEquals", true)
                    .put("Next", "ContinueAsNew")));
    byWindows.put("Default", "Window");
    states.set("ByWindows", byWindows);
    states.set(
        "ContinueAsNew",
        continueAsNew("$.nextExecutionName", JSON.createObjectNode().put("Input.$", "$")));
    states.set("ContinuedAsNew", JSON.createObjectNode().put("Type", "Succeed"));
    return definition(
        "A host slot: host windows back to back, each handing its shards to the next",
        "Window",
        states);
  }

  private static ObjectNode continueAsNew(String namePath, ObjectNode input) {
    ObjectNode parameters =
        JSON.createObjectNode()
            .put("StateMachineArn.$", "$$.StateMachine.Id")
            .put("Name.$", namePath);
    parameters.setAll(input);
    ObjectNode state = task("arn:aws:states:::states:startExecution", parameters);
    state.set(
        "Retry",
        JSON.createArrayNode()
            .add(retry(List.of("StepFunctions.ExecutionAlreadyExistsException"), 0))
            .add(retry(List.of("States.ALL"), 8)));
    state.set(
        "Catch",
        catchTo(List.of("StepFunctions.ExecutionAlreadyExistsException"), "ContinuedAsNew"));
    return state.put("Next", "ContinuedAsNew");
  }

  private static ObjectNode task(String resource, ObjectNode parameters) {
    ObjectNode task = JSON.createObjectNode().put("Type", "Task").put("Resource", resource);
    task.set("Parameters", parameters);
    return task;
  }

  private static ObjectNode pass(ObjectNode parameters) {
    ObjectNode pass = JSON.createObjectNode().put("Type", "Pass");
    pass.set("Parameters", parameters);
    return pass.put("Next", "ContinueAsNew");
  }

  private static ObjectNode retry(List<String> errors, int maxAttempts) {
    ObjectNode retry = JSON.createObjectNode();
    ArrayNode equals = retry.putArray("ErrorEquals");
    errors.forEach(equals::add);
    return retry.put("IntervalSeconds", 1).put("MaxAttempts", maxAttempts).put("BackoffRate", 2);
  }

  private static ArrayNode catchTo(List<String> errors, String next) {
    ObjectNode catcher = JSON.createObjectNode();
    ArrayNode equals = catcher.putArray("ErrorEquals");
    errors.forEach(equals::add);
    catcher.putNull("ResultPath").put("Next", next);
    return JSON.createArrayNode().add(catcher);
  }

  private static String definition(String comment, String startAt, ObjectNode states) {
    ObjectNode definition = JSON.createObjectNode().put("Comment", comment).put("StartAt", startAt);
    definition.set("States", states);
    return definition.toString();
  }

  private StateMachine stateMachine(
      String id, String name, String definition, Map<String, String> substitutions) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    StateMachine machine =
        StateMachine.Builder.create(this, id)
            .stateMachineName(name)
            .stateMachineType(StateMachineType.STANDARD)
            .definitionBody(DefinitionBody.fromString(definition))
            .definitionSubstitutions(substitutions)
            .logs(
                software.amazon.awscdk.services.stepfunctions.LogOptions.builder()
                    .destination(logs)
                    .level(software.amazon.awscdk.services.stepfunctions.LogLevel.ERROR)
                    .includeExecutionData(false)
                    .build())
            .tracingEnabled(true)
            .build();
    NagSuppressions.addResourceSuppressions(
        machine,
        List.of(
            suppression(
                "AwsSolutions-SF1",
                "Logging ALL events of every job's and host's execution costs more than the"
                    + " timers; errors are logged."),
            suppression(
                "AwsSolutions-IAM5",
                "X-Ray's trace actions and SendTask* take no resource; Lambda versions end in"
                    + " :*; executions of this stack's own state machines end in their names.")),
        true);
    return machine;
  }

  private Function function(
      String id,
      Code code,
      String handler,
      int memoryMb,
      Duration timeout,
      Map<String, String> env,
      String description) {
    Function fn =
        StackParts.javaFunction(this, id, code, handler, memoryMb, timeout, env, description);
    NagSuppressions.addResourceSuppressions(
        fn,
        List.of(
            suppression(
                "AwsSolutions-L1",
                "Java 21 is the newest Java runtime the functions are built and tested for.")));
    NagSuppressions.addResourceSuppressions(
        fn.getRole(),
        List.of(
            suppression(
                "AwsSolutions-IAM4",
                "AWSLambdaBasicExecutionRole grants only the function's own log streams."),
            suppression(
                "AwsSolutions-IAM5",
                "SendTaskSuccess and SendTaskFailure take no resource (a task token is not an"
                    + " ARN); executions of this stack's host state machine end in their names.")),
        true);
    return fn;
  }

  private static String stateMachineArn(Stack stack, String name) {
    return stack.formatArn(
        ArnComponents.builder()
            .service("states")
            .resource("stateMachine")
            .resourceName(name)
            .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
            .build());
  }
}
