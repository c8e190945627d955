package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.subminute.controller.core.Reconciler;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;

/** Every minute: starts jobs that should run and have no live execution; ends orphans. */
public final class ReconcilerHandler implements RequestHandler<Map<String, Object>, String> {
  private final Reconciler reconciler;

  public ReconcilerHandler() {
    Environment env = Environment.fromSystem();
    JobTable table = new JobTable(DynamoClients.aws(), env.tableName());
    this.reconciler =
        new Reconciler(
            table,
            new SfnExecutions(SfnClient.create(), env.stateMachineArn()),
            WorkerPolicy.parse(env.allowedWorkers()),
            System::currentTimeMillis);
  }

  public ReconcilerHandler(Reconciler reconciler) {
    this.reconciler = reconciler;
  }

  @Override
  public String handleRequest(Map<String, Object> scheduledEvent, Context context) {
    Reconciler.Outcome outcome = reconciler.reconcileOnce();
    return "jobs="
        + outcome.jobs()
        + " started="
        + outcome.started()
        + " invalid="
        + outcome.invalid()
        + " orphansStopped="
        + outcome.orphansStopped();
  }
}
