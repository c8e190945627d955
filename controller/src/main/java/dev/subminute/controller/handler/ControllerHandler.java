package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.core.Controller;
import dev.subminute.controller.core.ControllerConfig;
import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import dev.subminute.controller.core.PollingJobFeed;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.TickDispatcher;
import dev.subminute.controller.core.TickListener;
import dev.subminute.controller.core.TimerLoop;
import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.lambda.LambdaWorkerInvoker;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.controller.time.SystemTimeSource;
import dev.subminute.controller.time.TimeSource;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The state machine's task: runs one controller window for the job in its input and returns the
 * state for the next step (CONTINUE, WAIT with a resume instant, STOP). An input without a jobId,
 * such as an execution started by hand with {@code {}}, reconciles the whole table instead.
 *
 * <p>Input: {@code {"input": <state>, "executionName": "..."}} as the state machine passes it, or a
 * bare state. The window never runs past the Lambda's remaining time less a margin.
 */
public final class ControllerHandler implements RequestStreamHandler {
  static final long REMAINING_TIME_MARGIN_MS = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Controller controller;
  private final Reconciler reconciler;
  private final TimeSource time;

  public ControllerHandler() {
    this(Components.fromEnvironment());
  }

  ControllerHandler(Components components) {
    this(components.controller, components.reconciler, components.time);
  }

  public ControllerHandler(Controller controller, Reconciler reconciler, TimeSource time) {
    this.controller = controller;
    this.reconciler = reconciler;
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
    String executionName =
        request != null && request.hasNonNull("executionName")
            ? request.get("executionName").asText()
            : null;
    JSON.writeValue(output, handle(in, executionName, context.getRemainingTimeInMillis()));
  }

  ControllerState handle(ControllerState in, String executionName, long remainingMs) {
    if (in == null || in.jobId() == null) {
      Reconciler.Outcome outcome = reconciler.reconcileOnce();
      return new ControllerState(
          null,
          null,
          null,
          0,
          0,
          "STOP",
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

  /** Clients and the timer loop, built once per Lambda container. */
  static final class Components {
    final Controller controller;
    final Reconciler reconciler;
    final TimeSource time;

    Components(Controller controller, Reconciler reconciler, TimeSource time) {
      this.controller = controller;
      this.reconciler = reconciler;
      this.time = time;
    }

    static Components fromEnvironment() {
      Environment env = Environment.fromSystem();
      JobTable table = new JobTable(DynamoClients.aws(), env.tableName());
      LambdaAsyncClient lambda =
          LambdaAsyncClient.builder()
              .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64))
              .build();
      Executions executions = new SfnExecutions(SfnClient.create(), env.stateMachineArn());
      WorkerPolicy policy = WorkerPolicy.parse(env.allowedWorkers());
      return build(
          table, new LambdaWorkerInvoker(lambda), executions, policy, ControllerConfig.lambda());
    }

    static Components build(
        JobTable table,
        WorkerInvoker invoker,
        Executions executions,
        WorkerPolicy policy,
        ControllerConfig config) {
      TimeSource time = new SystemTimeSource(50_000);
      ScheduledExecutorService background =
          Executors.newScheduledThreadPool(2, daemon("subminute-io"));
      TimerLoop loop =
          new TimerLoop(
                  time,
                  config,
                  new TickDispatcher(invoker, background),
                  TickListener.NONE,
                  background)
              .start("subminute-timer");
      Controller controller =
          new Controller(
              table,
              loop,
              new PollingJobFeed(table, background, config.refreshMs()),
              policy,
              config,
              time);
      Reconciler reconciler = new Reconciler(table, executions, policy, System::currentTimeMillis);
      return new Components(controller, reconciler, time);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
      return r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      };
    }
  }
}
