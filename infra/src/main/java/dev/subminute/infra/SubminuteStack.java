package dev.subminute.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnCondition;
import software.amazon.awscdk.CfnCustomResource;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.StreamViewType;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.CustomState;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoAttributeValue;
import software.amazon.awscdk.services.stepfunctions.tasks.DynamoUpdateItem;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * Everything subminute needs on AWS: the jobs table, the controller state machine (one execution
 * per job), the controller, starter and reconciler functions, the example workers, a dashboard and
 * alarms. The controller may invoke only the workers named by the {@code AllowedWorkerArns}
 * parameter, and its role grants exactly those.
 */
public final class SubminuteStack extends Stack {
  /** Measured: the controller's resident memory stays near 120 MB; 512 MB leaves room and CPU. */
  static final int CONTROLLER_MEMORY_MB = 512;

  static final String CONTROLLER_HANDLER =
      "dev.subminute.controller.handler.ControllerHandler::handleRequest";
  static final String STARTER_HANDLER =
      "dev.subminute.controller.handler.StarterHandler::handleRequest";
  static final String RECONCILER_HANDLER =
      "dev.subminute.controller.handler.ReconcilerHandler::handleRequest";

  /** Where the Lambda packages come from: the build's jars, or template parameters. */
  public interface LambdaCode {
    Code controller(Construct scope);

    Code workers(Construct scope);
  }

  public SubminuteStack(Construct scope, String id, StackProps props, LambdaCode code) {
    super(scope, id, props);

    CfnParameter allowedWorkers =
        CfnParameter.Builder.create(this, "AllowedWorkerArns")
            .type("CommaDelimitedList")
            .description(
                "ARN patterns of the workers the controller may invoke (IAM wildcards allowed, never a bare *)")
            .defaultValue("arn:aws:lambda:*:*:function:subminute-worker-*")
            .allowedPattern("^arn:aws[a-z-]*:lambda:[a-z0-9*-]+:[0-9*]+:function:[A-Za-z0-9_*:-]+$")
            .build();
    CfnParameter demoIntervalMs =
        CfnParameter.Builder.create(this, "DemoJobIntervalMs")
            .type("Number")
            .description(
                "When above 0, creates the job demo-probe: the drift-probe worker at this interval")
            .defaultValue(0)
            .minValue(0)
            .maxValue(86_400_000)
            .build();

    Table table =
        Table.Builder.create(this, "Jobs")
            .partitionKey(Attribute.builder().name("jobId").type(AttributeType.STRING).build())
            .billingMode(BillingMode.PAY_PER_REQUEST)
            .stream(StreamViewType.NEW_AND_OLD_IMAGES)
            .pointInTimeRecoverySpecification(
                PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
            .encryption(TableEncryption.AWS_MANAGED)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();

    String stateMachineName = Aws.STACK_NAME + "-controller";
    String stateMachineArn =
        formatArn(
            software.amazon.awscdk.ArnComponents.builder()
                .service("states")
                .resource("stateMachine")
                .resourceName(stateMachineName)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
    String executionsArn =
        formatArn(
            software.amazon.awscdk.ArnComponents.builder()
                .service("states")
                .resource("execution")
                .resourceName(stateMachineName + ":*")
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                .build());
    String allowedWorkersList = Fn.join(",", allowedWorkers.getValueAsList());

    Function controller =
        javaFunction(
            "Controller",
            code.controller(this),
            CONTROLLER_HANDLER,
            CONTROLLER_MEMORY_MB,
            Duration.minutes(15),
            ordered("TABLE_NAME", table.getTableName(), "ALLOWED_WORKERS", allowedWorkersList),
            "Runs the timer windows of one job at a time, for the state machine");
    table.grantReadWriteData(controller);
    controller.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("lambda:InvokeFunction"))
            .resources(allowedWorkers.getValueAsList())
            .build());
    controller.addToRolePolicy(startAndListExecutions(stateMachineArn, executionsArn));

    Function httpPoll =
        worker(
            "HttpPollWorker",
            "http-poll",
            code,
            "dev.subminute.worker.lambda.HttpPollHandler::handleRequest");
    Function driftProbe =
        worker(
            "DriftProbeWorker",
            "drift-probe",
            code,
            "dev.subminute.worker.lambda.DriftProbeHandler::handleRequest");

    StateMachine stateMachine =
        controllerStateMachine(stateMachineName, stateMachineArn, controller, table);

    Queue starterDeadLetters =
        Queue.Builder.create(this, "StarterDeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    Function starter =
        javaFunction(
            "Starter",
            code.controller(this),
            STARTER_HANDLER,
            512,
            Duration.minutes(1),
            ordered(
                "TABLE_NAME",
                table.getTableName(),
                "STATE_MACHINE_ARN",
                stateMachine.getStateMachineArn(),
                "ALLOWED_WORKERS",
                allowedWorkersList),
            "Starts the execution of each job written with running = true");
    table.grantReadWriteData(starter);
    stateMachine.grantStartExecution(starter);
    starter.addEventSource(
        DynamoEventSource.Builder.create(table)
            .startingPosition(StartingPosition.LATEST)
            .batchSize(100)
            .maxBatchingWindow(Duration.seconds(0))
            .bisectBatchOnError(true)
            .retryAttempts(5)
            .reportBatchItemFailures(true)
            .onFailure(new SqsDlq(starterDeadLetters))
            // status writes carry the owner's lease: only user writes of running jobs pass
            .filters(
                List.of(
                    FilterCriteria.filter(
                        ordered(
                            "eventName", FilterRule.or("INSERT", "MODIFY"),
                            "dynamodb",
                                ordered(
                                    "NewImage",
                                    ordered(
                                        "running", ordered("BOOL", FilterRule.isEqual(true)),
                                        "owner", FilterRule.notExists()))))))
            .build());

    Function reconciler =
        javaFunction(
            "Reconciler",
            code.controller(this),
            RECONCILER_HANDLER,
            512,
            Duration.minutes(5),
            ordered(
                "TABLE_NAME",
                table.getTableName(),
                "STATE_MACHINE_ARN",
                stateMachine.getStateMachineArn(),
                "ALLOWED_WORKERS",
                allowedWorkersList),
            "Starts jobs that should run and have no live execution; stops orphans");
    table.grantReadWriteData(reconciler);
    reconciler.addToRolePolicy(startAndListExecutions(stateMachineArn, executionsArn));
    Rule.Builder.create(this, "ReconcileEveryMinute")
        .schedule(Schedule.rate(Duration.minutes(1)))
        .targets(List.of(new LambdaFunction(reconciler)))
        .build();

    demoJob(demoIntervalMs, reconciler, driftProbe);
    dashboard(stateMachine);
    new SharedHosts(
        this, "SharedHosts", table, code.controller(this), allowedWorkers.getValueAsList());

    output("TableName", table.getTableName());
    output("TableArn", table.getTableArn());
    output("StateMachineArn", stateMachine.getStateMachineArn());
    output("ControllerFunctionName", controller.getFunctionName());
    output("ControllerFunctionArn", controller.getFunctionArn());
    output("StarterFunctionName", starter.getFunctionName());
    output("StarterFunctionArn", starter.getFunctionArn());
    output("ReconcilerFunctionName", reconciler.getFunctionName());
    output("ReconcilerFunctionArn", reconciler.getFunctionArn());
    output("HttpPollWorkerArn", httpPoll.getFunctionArn());
    output("DriftProbeWorkerArn", driftProbe.getFunctionArn());
    output("DriftProbeLogGroupName", driftProbe.getLogGroup().getLogGroupName());
    suppressExplainedFindings();
  }

  private PolicyStatement startAndListExecutions(String stateMachineArn, String executionsArn) {
    return PolicyStatement.Builder.create()
        .effect(Effect.ALLOW)
        .actions(
            List.of(
                "states:StartExecution",
                "states:ListExecutions",
                "states:DescribeExecution",
                "states:StopExecution"))
        .resources(List.of(stateMachineArn, executionsArn))
        .build();
  }

  private Function javaFunction(
      String id,
      Code code,
      String handler,
      int memoryMb,
      Duration timeout,
      Map<String, String> env,
      String description) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return Function.Builder.create(this, id)
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.ARM_64)
        .handler(handler)
        .code(code)
        .memorySize(memoryMb)
        .timeout(timeout)
        .environment(env)
        .logGroup(logs)
        .description(description)
        .build();
  }

  private Function worker(String id, String name, LambdaCode code, String handler) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return Function.Builder.create(this, id)
        .functionName(Fn.join("-", List.of("subminute-worker", name, Aws.STACK_NAME)))
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.ARM_64)
        .handler(handler)
        .code(code.workers(this))
        .memorySize(512)
        .timeout(Duration.seconds(30))
        .logGroup(logs)
        .description("Example worker " + name)
        .build();
  }

  /**
   * Controller task, then by its action: CONTINUE runs the next window (or continues as new before
   * the history limit), WAIT sleeps until the resume instant, STOP ends. A failing task is retried
   * on Lambda service errors; anything else marks the job FAILED, backs off and retries.
   */
  private StateMachine controllerStateMachine(
      String name, String selfArn, Function controller, Table table) {
    LambdaInvoke window =
        LambdaInvoke.Builder.create(this, "ControllerWindow")
            .lambdaFunction(controller)
            .payloadResponseOnly(true)
            .retryOnServiceExceptions(false)
            .payload(
                TaskInput.fromObject(
                    ordered(
                        "input", JsonPath.getEntirePayload(),
                        "executionName", JsonPath.getExecutionName(),
                        "stateMachineArn", JsonPath.getStateMachineId())))
            .build();
    window.addRetry(
        RetryProps.builder()
            .errors(
                List.of(
                    "Lambda.ServiceException",
                    "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException"))
            .interval(Duration.seconds(1))
            .maxAttempts(6)
            .backoffRate(2)
            .build());
    Wait backoff =
        Wait.Builder.create(this, "BackOff").time(WaitTime.duration(Duration.seconds(30))).build();
    DynamoUpdateItem markFailed =
        DynamoUpdateItem.Builder.create(this, "MarkFailed")
            .table(table)
            .key(ordered("jobId", DynamoAttributeValue.fromString(JsonPath.stringAt("$.jobId"))))
            .updateExpression("SET #status = :failed, statusReason = :reason, updatedAt = :now")
            .conditionExpression("attribute_exists(jobId)")
            .expressionAttributeNames(ordered("#status", "status"))
            .expressionAttributeValues(
                ordered(
                    ":failed", DynamoAttributeValue.fromString("FAILED"),
                    ":reason",
                        DynamoAttributeValue.fromString(
                            JsonPath.format(
                                "The controller failed with {}; it retries in 30 s.",
                                JsonPath.stringAt("$.error.Error"))),
                    ":now", DynamoAttributeValue.fromString(JsonPath.getStateEnteredTime())))
            .resultPath(JsonPath.DISCARD)
            .build();
    markFailed.addCatch(
        backoff,
        software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
            .errors(List.of(Errors.ALL))
            .resultPath(JsonPath.DISCARD)
            .build());
    markFailed.next(backoff);
    backoff.next(window);
    window.addCatch(
        markFailed,
        software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
            .errors(List.of(Errors.ALL))
            .resultPath("$.error")
            .build());

    Wait untilNextTick =
        Wait.Builder.create(this, "WaitForNextTick")
            .time(WaitTime.timestampPath("$.resumeAt"))
            .build();
    untilNextTick.next(window);
    CustomState continueAsNew =
        CustomState.Builder.create(this, "ContinueAsNew")
            .stateJson(
                ordered(
                    "Type", "Task",
                    "Resource", "arn:aws:states:::states:startExecution",
                    "Parameters",
                        ordered(
                            "StateMachineArn.$", "$$.StateMachine.Id",
                            "Name.$", "$.nextExecutionName",
                            "Input.$", "$")))
            .build();
    Succeed done = Succeed.Builder.create(this, "Stopped").build();
    continueAsNew.next(Succeed.Builder.create(this, "ContinuedAsNew").build());
    Choice byAction =
        Choice.Builder.create(this, "ByAction")
            .build()
            .when(Condition.stringEquals("$.action", "STOP"), done)
            .when(Condition.stringEquals("$.action", "WAIT"), untilNextTick)
            .when(
                Condition.and(
                    Condition.stringEquals("$.action", "CONTINUE"),
                    Condition.booleanEquals("$.continueAsNew", true)),
                continueAsNew)
            .when(Condition.stringEquals("$.action", "CONTINUE"), window)
            .otherwise(markFailed);
    window.next(byAction);

    LogGroup logs =
        LogGroup.Builder.create(this, "StateMachineLogs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    StateMachine stateMachine =
        StateMachine.Builder.create(this, "StateMachine")
            .stateMachineName(name)
            .stateMachineType(StateMachineType.STANDARD)
            .definitionBody(DefinitionBody.fromChainable(window))
            .logs(
                LogOptions.builder()
                    .destination(logs)
                    .level(LogLevel.ERROR)
                    .includeExecutionData(false)
                    .build())
            .tracingEnabled(true)
            .build();
    stateMachine.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("states:StartExecution"))
            .resources(List.of(selfArn))
            .build());
    return stateMachine;
  }

  /**
   * As the first users' stacks did with their one item: when {@code DemoJobIntervalMs} is above 0,
   * the reconciler, called as a custom resource during the deployment, writes the job demo-probe
   * and starts it, so a fresh stack ticks at once.
   */
  private void demoJob(CfnParameter intervalMs, Function reconciler, Function driftProbe) {
    CfnCondition wanted =
        CfnCondition.Builder.create(this, "DemoJobWanted")
            .expression(Fn.conditionNot(Fn.conditionEquals(intervalMs.getValueAsString(), "0")))
            .build();
    CfnCustomResource demo =
        CfnCustomResource.Builder.create(this, "DemoJob")
            .serviceToken(reconciler.getFunctionArn())
            .build();
    demo.addPropertyOverride("DemoJobId", "demo-probe");
    demo.addPropertyOverride("WorkerArn", driftProbe.getFunctionArn());
    demo.addPropertyOverride("IntervalMs", intervalMs.getValueAsString());
    demo.getCfnOptions().setCondition(wanted);
  }

  private void dashboard(StateMachine stateMachine) {
    Metric driftP99 = emf("DriftP99", "Maximum", "drift p99 (ms, worst window)");
    Metric driftMax = emf("DriftMax", "Maximum", "drift max (ms)");
    Metric ticks = emf("Ticks", "Sum", "ticks");
    Metric missed = emf("MissedTicks", "Sum", "missed ticks");
    Metric errors = emf("InvokeErrors", "Sum", "invoke errors");
    Dashboard.Builder.create(this, "Dashboard")
        .dashboardName(Fn.join("-", List.of(Aws.STACK_NAME, "subminute")))
        .widgets(
            List.of(
                List.of(
                    GraphWidget.Builder.create()
                        .title("Dispatch drift")
                        .left(List.of(driftP99, driftMax))
                        .width(12)
                        .build(),
                    GraphWidget.Builder.create()
                        .title("Ticks")
                        .left(List.of(ticks))
                        .right(List.of(missed, errors))
                        .width(12)
                        .build())))
        .build();
    Alarm.Builder.create(this, "MissedTicksAlarm")
        .alarmDescription("Ticks were missed: a controller fell behind or stopped")
        .metric(missed)
        .threshold(0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
    Alarm.Builder.create(this, "FailedExecutionsAlarm")
        .alarmDescription("A controller execution failed")
        .metric(stateMachine.metricFailed())
        .threshold(0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
  }

  private Metric emf(String name, String statistic, String label) {
    return Metric.Builder.create()
        .namespace("Subminute")
        .metricName(name)
        .statistic(statistic)
        .label(label)
        .period(Duration.minutes(1))
        .build();
  }

  private void output(String name, String value) {
    CfnOutput.Builder.create(this, name).value(value).build();
  }

  private void suppressExplainedFindings() {
    NagSuppressions.addStackSuppressions(
        this,
        List.of(
            suppression(
                "AwsSolutions-IAM4",
                "The functions use AWSLambdaBasicExecutionRole, which grants only their own log streams."),
            suppression(
                "AwsSolutions-IAM5",
                "Wildcards are scoped: the worker allow-list patterns, the executions of this stack's state machine, the table's indexes and stream, X-Ray."),
            suppression(
                "AwsSolutions-L1",
                "Java 21 is the newest Java runtime the functions are built and tested for."),
            suppression(
                "AwsSolutions-SF1",
                "Logging ALL events of a state machine that loops for every tick of every job costs more than the timers; errors are logged."),
            suppression(
                "AwsSolutions-SQS3", "This queue is itself the starter's dead-letter queue.")),
        true);
  }

  private static NagPackSuppression suppression(String id, String reason) {
    return NagPackSuppression.builder().id(id).reason(reason).build();
  }

  /** A map in the order written: Map.of iterates in an order that changes from run to run. */
  @SuppressWarnings("unchecked")
  private static <V> Map<String, V> ordered(Object... keysAndValues) {
    Map<String, V> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
    }
    return map;
  }
}
