package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.DedicatedController;
import dev.subminute.controller.core.JobStore;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WindowResult;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.lambda.EmbeddedMetricFormat;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.controller.time.WallClock;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The state machine's task: runs one controller window for the job in its input and returns the
 * state for the next step (CONTINUE, WAIT with a resume instant, STOP). An input without a jobId,
 * such as an execution started by hand with {@code {}}, reconciles the whole table instead.
 *
 * <p>Input: {@code {"input": <state>, "executionName": "...", "stateMachineArn": "..."}} as the
 * state machine passes it (from its context object), or a bare state. The window never runs past
 * the Lambda's remaining time less a margin.
 */
public final class ControllerHandler implements RequestStreamHandler {
  static final long REMAINING_TIME_MARGIN_MS = 20_000;

  /** Invokes a dedicated controller's Lambda client sends at once. */
  private static final int INVOKE_CONNECTIONS = 64;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Controller controller;
  private final Function<String, Reconciler> reconcilers;
  private final TimeSource time;

  public ControllerHandler() {
    this(Components.fromEnvironment());
  }

  ControllerHandler(Components components) {
    this(components.controller(), components.reconcilers(), components.time());
  }

  /**
   * @param reconcilers the reconciler for the state machine of a given ARN (taken from the
   *     execution's context object), for executions started without a job
   */
  public ControllerHandler(
      Controller controller, Function<String, Reconciler> reconcilers, TimeSource time) {
    this.controller = controller;
    this.reconcilers = reconcilers;
    this.time = time;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode request = JSON.readTree(input);
    JsonNode stateNode = request != null && request.has("input") ? request.get("input") : request;
    ControllerState in =
        stateNode == null || stateNode.isNull()
            ? null
            : JSON.treeToValue(stateNode, ControllerState.class);
    String executionName = text(request, "executionName");
    String stateMachineArn = text(request, "stateMachineArn");
    JSON.writeValue(
        output, handle(in, executionName, stateMachineArn, context.getRemainingTimeInMillis()));
  }

  ControllerState handle(
      ControllerState in, String executionName, String stateMachineArn, long remainingMs) {
    if (in == null || in.jobId() == null) {
      Reconciler.Outcome outcome = reconcilers.apply(stateMachineArn).reconcileOnce();
      return new ControllerState(
          null,
          null,
          null,
          0,
          0,
          WindowResult.Action.STOP,
          null,
          null,
          "Reconciled "
              + outcome.jobs()
              + " jobs: started "
              + outcome.started()
              + ", invalid "
              + outcome.invalid()
              + ", orphans stopped "
              + outcome.orphansStopped()
              + ".",
          0,
          0,
          false,
          null);
    }
    if (in.continueAsNew()) {
      in = in.continuedAsNew(); // the first window of the execution that continues this one
    }
    if (in.owner() == null) {
      String owner = executionName != null ? executionName : "manual-" + in.jobId();
      in = ControllerState.start(in.jobId(), owner);
    }
    long windowMs =
        Math.min(controller.config().windowMs(), remainingMs - REMAINING_TIME_MARGIN_MS);
    long windowEnd = time.monoNanos() + Math.max(windowMs, 0) * 1_000_000L;
    try {
      return controller.runWindow(in, windowEnd).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the window of " + in.jobId(), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "window of " + in.jobId() + " failed: " + e.getCause(), e.getCause());
    }
  }

  private static String text(JsonNode node, String field) {
    return node != null && node.hasNonNull(field) ? node.get(field).asText() : null;
  }

  /** Clients and the timer loop, built once per Lambda container. */
  record Components(
      Controller controller, Function<String, Reconciler> reconcilers, TimeSource time) {

    static Components fromEnvironment() {
      Environment env = Environment.fromSystem();
      JobStore store = new DynamoJobStore(new JobTable(DynamoClients.aws(), env.tableName()));
      LambdaAsyncClient lambda = LambdaWorkerInvoker.clientBuilder(INVOKE_CONNECTIONS).build();
      SfnClient sfn = SfnClient.create();
      WorkerPolicy policy = env.workerPolicy();
      DedicatedController dedicated =
          DedicatedController.builder(
                  store, new LambdaWorkerInvoker(lambda, INVOKE_CONNECTIONS), policy)
              .metrics(new EmbeddedMetricFormat())
              .start();
      Function<String, Reconciler> reconcilers =
          arn -> {
            String stateMachine = arn != null ? arn : env.stateMachineArn();
            if (stateMachine == null) {
              throw new IllegalStateException(
                  "no state machine ARN: pass it as stateMachineArn or set STATE_MACHINE_ARN");
            }
            return new Reconciler(
                store,
                new SfnExecutions(sfn, stateMachine),
                env.sharedExecutions(sfn),
                policy,
                WallClock.SYSTEM);
          };
      return new Components(dedicated.controller(), reconcilers, dedicated.time());
    }
  }
}
