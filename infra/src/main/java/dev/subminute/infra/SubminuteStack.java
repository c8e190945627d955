package dev.subminute.infra;

import static dev.subminute.infra.StackParts.ordered;
import static dev.subminute.infra.StackParts.suppression;

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
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
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
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnEventInvokeConfig;
import software.amazon.awscdk.services.lambda.CfnFunction;
import software.amazon.awscdk.services.lambda.CfnVersion;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.FilterCriteria;
import software.amazon.awscdk.services.lambda.FilterRule;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.DynamoEventSource;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.sns.CfnSubscription;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.Pass;
import software.amazon.awscdk.services.stepfunctions.Result;
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
import software.amazon.awscdk.services.stepfunctions.tasks.StepFunctionsStartExecution;
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

  /** A Lambda function ARN or pattern with a 12-digit account; wildcards only elsewhere. */
  static final String ALLOWED_WORKER_PATTERN =
      "^$|^arn:aws[a-z-]*:lambda:[a-z0-9*-]+:[0-9]{12}:function:[A-Za-z0-9_*:-]+$";

  /** 0 (no demo job) or an interval of 100 to 86,400,000 ms. */
  static final String DEMO_INTERVAL_PATTERN =
      "^(0|[1-9][0-9]{2,6}|[1-7][0-9]{7}|8[0-5][0-9]{6}|86[0-3][0-9]{5}|86400000)$";

  /** The context value ({@code true}) that adds the workers' de-duplication table. */
  public static final String DEDUPE_TABLE_CONTEXT = "subminute:workerDedupeTable";

  /** Failed windows in a row after which an execution gives up (about 5 minutes of retries). */
  static final int MAX_CONSECUTIVE_FAILURES = 10;

  static final String CONTROLLER_HANDLER =
      "dev.subminute.controller.handler.ControllerHandler::handleRequest";
  static final String STARTER_HANDLER =
      "dev.subminute.controller.handler.StarterHandler::handleRequest";
  static final String RECONCILER_HANDLER =
      "dev.subminute.controller.handler.ReconcilerHandler::handleRequest";

  /** Where the Lambda packages come from: the build's jars, or template parameters. */
  public interface LambdaCode {
    Code controller(Construct scope);

    /** What names the controller's code: a change publishes a new version. */
    String controllerRevision(Construct scope);

    Code workers(Construct scope);
  }

  public SubminuteStack(Construct scope, String id, StackProps props, LambdaCode code) {
    super(scope, id, props);

    CfnParameter allowedWorkers =
        CfnParameter.Builder.create(this, "AllowedWorkerArns")
            .type("CommaDelimitedList")
            .description(
                "Function ARN patterns of your own workers the controller may invoke, besides the"
                    + " example workers of this stack (IAM wildcards allowed except in the account)")
            .defaultValue("")
            .allowedPattern(ALLOWED_WORKER_PATTERN)
            .constraintDescription(
                "each entry must be a Lambda function ARN (or pattern) naming a 12-digit account")
            .build();
    CfnParameter demoIntervalMs =
        CfnParameter.Builder.create(this, "DemoJobIntervalMs")
            .type("String")
            .description(
                "0, or 100 to 86400000: creates the job demo-probe, the drift-probe worker at this"
                    + " interval in ms")
            .defaultValue("0")
            .allowedPattern(DEMO_INTERVAL_PATTERN)
            .constraintDescription("0 (no demo job) or an interval of 100 to 86400000 ms")
            .build();
    CfnParameter alarmEmail =
        CfnParameter.Builder.create(this, "AlarmEmail")
            .type("String")
            .description("Optional: an e-mail address the alarms notify (confirm the subscription)")
            .defaultValue("")
            .allowedPattern("^$|^[^@\\s]+@[^@\\s]+$")
            .constraintDescription("empty, or one e-mail address")
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

    // names are bounded whatever the stack's name (up to 128 characters): a part of its unique id
    String nameSuffix = Fn.select(0, Fn.split("-", Fn.select(2, Fn.split("/", Aws.STACK_ID))));
    String stateMachineName = Fn.join("-", List.of("subminute-controller", nameSuffix));
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

    Topic alarms = alarmTopic(alarmEmail);
    Table dedupe =
        "true".equals(getNode().tryGetContext(DEDUPE_TABLE_CONTEXT)) ? dedupeTable() : null;
    Function httpPoll =
        worker(
            "HttpPollWorker",
            "http-poll",
            nameSuffix,
            code,
            "dev.subminute.worker.lambda.HttpPollHandler::handleRequest",
            dedupe);
    Function driftProbe =
        worker(
            "DriftProbeWorker",
            "drift-probe",
            nameSuffix,
            code,
            "dev.subminute.worker.lambda.DriftProbeHandler::handleRequest",
            dedupe);
    alarm(
        "FailedTicksAlarm",
        "Worker events failed or expired (each is counted as failedTicks on its job's item)",
        MathExpression.Builder.create()
            .expression("httpPoll + driftProbe")
            .usingMetrics(
                ordered(
                    "httpPoll", droppedEvents(httpPoll), "driftProbe", droppedEvents(driftProbe)))
            .period(Duration.minutes(1))
            .build(),
        alarms);

    // the stack's example workers always; users' own workers when the parameter names them
    CfnCondition ownWorkers =
        CfnCondition.Builder.create(this, "OwnWorkersAllowed")
            .expression(
                Fn.conditionNot(
                    Fn.conditionEquals(Fn.join("", allowedWorkers.getValueAsList()), "")))
            .build();
    String exampleWorkers =
        Fn.join(",", List.of(httpPoll.getFunctionArn(), driftProbe.getFunctionArn()));
    String allowedWorkersList =
        Fn.conditionIf(
                ownWorkers.getLogicalId(),
                Fn.join(
                    ",", List.of(exampleWorkers, Fn.join(",", allowedWorkers.getValueAsList()))),
                exampleWorkers)
            .toString();
    String functionArnPrefix =
        Fn.join(
            "",
            List.of(
                "arn:", Aws.PARTITION, ":lambda:", Aws.REGION, ":", Aws.ACCOUNT_ID, ":function:"));

    Function controller =
        StackParts.javaFunction(
            this,
            "Controller",
            code.controller(this),
            CONTROLLER_HANDLER,
            CONTROLLER_MEMORY_MB,
            Duration.minutes(15),
            ordered(
                "TABLE_NAME",
                table.getTableName(),
                "ALLOWED_WORKERS",
                allowedWorkersList,
                "FUNCTION_ARN_PREFIX",
                functionArnPrefix),
            "Runs the timer windows of one job at a time, for the state machine");
    allow(
        controller,
        List.of("dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Scan"),
        table.getTableArn());
    controller.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("lambda:InvokeFunction"))
            .resources(Fn.split(",", allowedWorkersList))
            .build());
    controller.addToRolePolicy(startAndListExecutions(stateMachineArn, executionsArn));

    // a cold controller took 7 to 8 s from JVM start to its first tick here, longer than the 4 s a
    // parked job resumes ahead of its tick: executions invoke a SnapStart version instead
    CfnFunction cfnController = (CfnFunction) controller.getNode().getDefaultChild();
    cfnController.setSnapStart(
        CfnFunction.SnapStartProperty.builder().applyOn("PublishedVersions").build());
    // new code under a new S3 key (a console update) must publish a new version too
    ((CfnVersion) controller.getCurrentVersion().getNode().getDefaultChild())
        .setDescription("controller code " + code.controllerRevision(this));
    Alias live =
        Alias.Builder.create(this, "ControllerLive")
            .aliasName("live")
            .version(controller.getCurrentVersion())
            .build();
    StateMachine stateMachine =
        controllerStateMachine(stateMachineName, stateMachineArn, live, table);

    Queue starterDeadLetters =
        Queue.Builder.create(this, "StarterDeadLetters")
            .encryption(QueueEncryption.SQS_MANAGED)
            .enforceSsl(true)
            .retentionPeriod(Duration.days(14))
            .build();
    Map<String, String> startingEnvironment =
        ordered(
            "TABLE_NAME",
            table.getTableName(),
            "STATE_MACHINE_ARN",
            stateMachine.getStateMachineArn(),
            "ALLOWED_WORKERS",
            allowedWorkersList,
            "FUNCTION_ARN_PREFIX",
            functionArnPrefix);
    Function starter =
        StackParts.javaFunction(
            this,
            "Starter",
            code.controller(this),
            STARTER_HANDLER,
            512,
            Duration.minutes(1),
            startingEnvironment,
            "Starts the execution of each job written with running = true");
    allow(starter, List.of("dynamodb:UpdateItem"), table.getTableArn());
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
            // status writes carry the owner's lease or the shared enrollment's token: only user
            // writes of running jobs that neither placement runs pass
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
                                        // exists applies to leaves: owner is a map, owner.S a leaf
                                        "owner", ordered("S", FilterRule.notExists()),
                                        "taskToken", ordered("S", FilterRule.notExists())))))))
            .build());

    Function reconciler =
        StackParts.javaFunction(
            this,
            "Reconciler",
            code.controller(this),
            RECONCILER_HANDLER,
            512,
            Duration.minutes(5),
            startingEnvironment,
            "Starts jobs that should run and have no live execution; stops orphans");
    allow(
        reconciler,
        List.of(
            "dynamodb:Scan",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem"),
        table.getTableArn());
    reconciler.addToRolePolicy(startAndListExecutions(stateMachineArn, executionsArn));
    // the grant is a policy of its own: the workers' default policies would close a cycle
    // (worker -> controller -> state machine -> reconciler -> worker's policy)
    Policy.Builder.create(this, "WorkersReportFailedTicks")
        .roles(List.of(httpPoll.getRole(), driftProbe.getRole()))
        .statements(
            List.of(
                PolicyStatement.Builder.create()
                    .effect(Effect.ALLOW)
                    .actions(List.of("lambda:InvokeFunction"))
                    .resources(List.of(reconciler.getFunctionArn()))
                    .build()))
        .build();
    for (Function worker : List.of(httpPoll, driftProbe)) {
      CfnEventInvokeConfig.Builder.create(this, worker.getNode().getId() + "AsyncInvoke")
          .functionName(worker.getFunctionName())
          .qualifier("$LATEST")
          .maximumRetryAttempts(0)
          .maximumEventAgeInSeconds(60)
          .destinationConfig(
              CfnEventInvokeConfig.DestinationConfigProperty.builder()
                  .onFailure(
                      CfnEventInvokeConfig.OnFailureProperty.builder()
                          .destination(reconciler.getFunctionArn())
                          .build())
                  .build())
          .build();
    }
    Rule.Builder.create(this, "ReconcileEveryMinute")
        .schedule(Schedule.rate(Duration.minutes(1)))
        .targets(List.of(new LambdaFunction(reconciler)))
        .build();

    demoJob(demoIntervalMs, reconciler, driftProbe);
    dashboard(stateMachine, alarms);
    SharedHosts shared =
        new SharedHosts(
            this, "SharedHosts", table, code.controller(this), Fn.split(",", allowedWorkersList));
    // shared jobs (the default placement) start as executions of the job state machine; the
    // controller starts them too when an execution started by hand reconciles the table
    for (Function starting : List.of(starter, reconciler, controller)) {
      starting.addEnvironment("JOB_STATE_MACHINE_ARN", shared.jobStateMachineArn());
      allow(starting, List.of("states:StartExecution"), shared.jobStateMachineArn());
    }

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
    output("AlarmTopicArn", alarms.getTopicArn());
    if (dedupe != null) {
      output("WorkerDedupeTableName", dedupe.getTableName());
    }
    suppressExplainedFindings(
        List.of(controller, starter, reconciler, httpPoll, driftProbe),
        List.of(controller, starter, reconciler),
        stateMachine);
    NagSuppressions.addResourceSuppressions(
        starterDeadLetters,
        List.of(
            suppression(
                "AwsSolutions-SQS3", "This queue is itself the starter's dead-letter queue.")));
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

  /**
   * Through the function rather than {@link StackParts#allow}: CDK then keeps the statements in the
   * role's default policy, where the versioned controller's template has them.
   */
  private static void allow(Function function, List<String> actions, String resource) {
    function.addToRolePolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(actions)
            .resources(List.of(resource))
            .build());
  }

  /**
   * An example worker. Async invokes are not retried and expire after a minute: a tick delivered
   * twice or minutes late is worse than a tick missed; the reconciler counts the failures on the
   * jobs' items.
   */
  private Function worker(
      String id, String name, String nameSuffix, LambdaCode code, String handler, Table dedupe) {
    LogGroup logs =
        LogGroup.Builder.create(this, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Function worker =
        Function.Builder.create(this, id)
            .functionName(Fn.join("-", List.of("subminute-worker", name, nameSuffix)))
            .runtime(Runtime.JAVA_21)
            .architecture(Architecture.ARM_64)
            .handler(handler)
            .code(code.workers(this))
            .memorySize(512)
            .timeout(Duration.seconds(30))
            .environment(
                dedupe == null ? Map.of() : Map.of("SUBMINUTE_DEDUPE_TABLE", dedupe.getTableName()))
            .logGroup(logs)
            .description("Example worker " + name)
            .build();
    if (dedupe != null) {
      allow(worker, List.of("dynamodb:PutItem"), dedupe.getTableArn());
    }
    return worker;
  }

  /** Where workers record (jobId, plannedAt) to drop duplicate deliveries; items expire by TTL. */
  private Table dedupeTable() {
    return Table.Builder.create(this, "WorkerDedupe")
        .partitionKey(Attribute.builder().name("key").type(AttributeType.STRING).build())
        .timeToLiveAttribute("expiresAt")
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .pointInTimeRecoverySpecification(
            PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
        .encryption(TableEncryption.AWS_MANAGED)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }

  private Topic alarmTopic(CfnParameter email) {
    Topic topic = Topic.Builder.create(this, "Alarms").enforceSsl(true).build();
    CfnCondition wanted =
        CfnCondition.Builder.create(this, "AlarmEmailGiven")
            .expression(Fn.conditionNot(Fn.conditionEquals(email.getValueAsString(), "")))
            .build();
    CfnSubscription subscription =
        CfnSubscription.Builder.create(this, "AlarmEmailSubscription")
            .topicArn(topic.getTopicArn())
            .protocol("email")
            .endpoint(email.getValueAsString())
            .build();
    subscription.getCfnOptions().setCondition(wanted);
    NagSuppressions.addResourceSuppressions(
        topic,
        List.of(
            suppression(
                "AwsSolutions-SNS2",
                "CloudWatch alarms cannot publish to a topic encrypted with the AWS managed key;"
                    + " alarm texts carry no data worth a customer key.")));
    return topic;
  }

  private static Metric droppedEvents(Function worker) {
    return Metric.Builder.create()
        .namespace("AWS/Lambda")
        .metricName("AsyncEventsDropped")
        .dimensionsMap(Map.of("FunctionName", worker.getFunctionName()))
        .statistic("Sum")
        .period(Duration.minutes(1))
        .build();
  }

  private void alarm(String id, String description, IMetric metric, Topic topic) {
    Alarm.Builder.create(this, id)
        .alarmDescription(description)
        .metric(metric)
        .threshold(0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build()
        .addAlarmAction(new SnsAction(topic));
  }

  /**
   * Controller task, then by its action: CONTINUE runs the next window, WAIT sleeps until the
   * resume instant, either continues as new when the controller says the history nears its limit,
   * STOP ends. A failing task is retried on Lambda service errors; anything else marks the job
   * FAILED (if this execution may still own it), backs off and retries, at most {@link
   * #MAX_CONSECUTIVE_FAILURES} times in a row; then the execution fails and the reconciler starts
   * the job afresh once its lease has run out.
   */
  private StateMachine controllerStateMachine(
      String name, String selfArn, IFunction controller, Table table) {
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
            // a duplicate execution that lost the lease must not overwrite the owner's status
            .conditionExpression(
                "attribute_exists(jobId) AND (attribute_not_exists(#owner) OR #owner = :owner)")
            .expressionAttributeNames(ordered("#status", "status", "#owner", "owner"))
            .expressionAttributeValues(
                ordered(
                    ":failed", DynamoAttributeValue.fromString("FAILED"),
                    ":reason",
                        DynamoAttributeValue.fromString(
                            JsonPath.format(
                                "The controller failed with {} ({} of "
                                    + MAX_CONSECUTIVE_FAILURES
                                    + " in a row); it retries in 30 s.",
                                JsonPath.stringAt("$.error.Error"),
                                JsonPath.stringAt("$.failures.count"))),
                    ":owner", DynamoAttributeValue.fromString(JsonPath.stringAt("$.owner")),
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

    Fail gaveUp =
        Fail.Builder.create(this, "GaveUp")
            .error("ControllerFailing")
            .cause(
                "The controller failed "
                    + MAX_CONSECUTIVE_FAILURES
                    + " times in a row; the reconciler starts the job again when its lease ends.")
            .build();
    Choice giveUp =
        Choice.Builder.create(this, "GiveUp")
            .build()
            .when(
                Condition.numberGreaterThanEquals("$.failures.count", MAX_CONSECUTIVE_FAILURES),
                gaveUp)
            .otherwise(markFailed);
    Pass firstFailure =
        Pass.Builder.create(this, "FirstFailure")
            .result(Result.fromObject(Map.of("count", 1)))
            .resultPath("$.failures")
            .build();
    firstFailure.next(giveUp);
    Pass nextFailure =
        Pass.Builder.create(this, "NextFailure")
            .parameters(Map.of("count", JsonPath.mathAdd(JsonPath.numberAt("$.failures.count"), 1)))
            .resultPath("$.failures")
            .build();
    nextFailure.next(giveUp);
    // a failure of an execution without a job (one started by hand) has nothing to mark
    Choice countFailure =
        Choice.Builder.create(this, "CountFailure")
            .build()
            .when(
                Condition.or(
                    Condition.isNotPresent("$.jobId"),
                    Condition.isNotPresent("$.owner"),
                    Condition.isNotPresent("$.error.Error")),
                Fail.Builder.create(this, "ControllerFailed")
                    .error("ControllerFailed")
                    .causePath(JsonPath.jsonToString(JsonPath.objectAt("$")))
                    .build())
            .when(Condition.isPresent("$.failures.count"), nextFailure)
            .otherwise(firstFailure);
    window.addCatch(
        countFailure,
        software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
            .errors(List.of(Errors.ALL))
            .resultPath("$.error")
            .build());
    Pass unknownAction =
        Pass.Builder.create(this, "UnknownAction")
            .result(
                Result.fromObject(
                    ordered(
                        "Error", "UnknownAction",
                        "Cause", "the controller returned no known action")))
            .resultPath("$.error")
            .build();
    unknownAction.next(countFailure);

    Wait untilNextTick =
        Wait.Builder.create(this, "WaitForNextTick")
            .time(WaitTime.timestampPath("$.resumeAt"))
            .build();
    untilNextTick.next(window);
    StepFunctionsStartExecution continueAsNew =
        StepFunctionsStartExecution.Builder.create(this, "ContinueAsNew")
            .stateMachine(StateMachine.fromStateMachineArn(this, "Self", selfArn))
            .integrationPattern(IntegrationPattern.REQUEST_RESPONSE)
            .name(JsonPath.stringAt("$.nextExecutionName"))
            .input(TaskInput.fromJsonPathAt("$"))
            .associateWithParent(false)
            .resultPath(JsonPath.DISCARD)
            .build();
    continueAsNew.addRetry(
        RetryProps.builder()
            .errors(List.of("StepFunctions.ExecutionAlreadyExistsException"))
            .maxAttempts(0)
            .build());
    continueAsNew.addRetry(
        RetryProps.builder()
            .errors(List.of(Errors.ALL))
            .interval(Duration.seconds(1))
            .maxAttempts(8)
            .backoffRate(2)
            .build());
    Succeed continued = Succeed.Builder.create(this, "ContinuedAsNew").build();
    // a retried start whose first attempt went through has continued already
    continueAsNew.addCatch(
        continued,
        software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
            .errors(List.of("StepFunctions.ExecutionAlreadyExistsException"))
            .resultPath(JsonPath.DISCARD)
            .build());
    continueAsNew.addCatch(
        countFailure,
        software.amazon.awscdk.services.stepfunctions.CatchProps.builder()
            .errors(List.of(Errors.ALL))
            .resultPath("$.error")
            .build());
    continueAsNew.next(continued);
    Succeed done = Succeed.Builder.create(this, "Stopped").build();
    Choice byAction =
        Choice.Builder.create(this, "ByAction")
            .build()
            .when(Condition.isNotPresent("$.action"), unknownAction)
            .when(Condition.stringEquals("$.action", "STOP"), done)
            .when(Condition.booleanEquals("$.continueAsNew", true), continueAsNew)
            .when(Condition.stringEquals("$.action", "WAIT"), untilNextTick)
            .when(Condition.stringEquals("$.action", "CONTINUE"), window)
            .otherwise(unknownAction);
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

  private void dashboard(StateMachine stateMachine, Topic alarms) {
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
    alarm(
        "MissedTicksAlarm",
        "Ticks were missed: a controller fell behind or stopped",
        missed,
        alarms);
    alarm(
        "FailedExecutionsAlarm",
        "A controller execution failed",
        stateMachine.metricFailed(),
        alarms);
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

  /** Each finding explained on the resources it is about, never stack-wide. */
  private void suppressExplainedFindings(
      List<Function> functions, List<Function> withWildcards, StateMachine stateMachine) {
    for (Function function : functions) {
      NagSuppressions.addResourceSuppressions(
          function,
          List.of(
              suppression(
                  "AwsSolutions-L1",
                  "Java 21 is the newest Java runtime the functions are built and tested for.")));
      NagSuppressions.addResourceSuppressions(
          function.getRole(),
          List.of(
              suppression(
                  "AwsSolutions-IAM4",
                  "AWSLambdaBasicExecutionRole grants only the function's own log streams.")));
    }
    for (Function function : withWildcards) {
      NagSuppressions.addResourceSuppressions(
          function.getRole(),
          List.of(
              suppression(
                  "AwsSolutions-IAM5",
                  "Wildcards end ARNs only: the allow-listed worker patterns, the executions of this"
                      + " stack's state machine (their ARNs end in the execution's name), the"
                      + " table's stream.")),
          true);
    }
    NagSuppressions.addResourceSuppressions(
        stateMachine,
        List.of(
            suppression(
                "AwsSolutions-SF1",
                "Logging ALL events of a state machine that loops for every tick of every job"
                    + " costs more than the timers; errors are logged."),
            suppression(
                "AwsSolutions-IAM5",
                "X-Ray's trace actions take no resource; the controller function's versions end in"
                    + " :*.")),
        true);
  }
}
