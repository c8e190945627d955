package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.HostNames;
import dev.subminute.controller.host.HostScaling;
import dev.subminute.controller.time.WallClock;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Every minute: keeps ceil(tick rate / target per host) host slots running (at least {@code
 * minHosts}, at most {@code maxHosts}), each an execution of the host state machine under a
 * deterministic name. A slot whose execution died is started again; slots above the count are
 * stopped, and their running window hands its shards over at its end.
 */
public final class ScalerHandler implements RequestHandler<Object, String> {

  /**
   * @param ticksPerHost the tick rate one host is given (its measured capacity less headroom)
   */
  public record Settings(double ticksPerHost, int minHosts, int maxHosts) {}

  private final JobTable table;
  private final WorkerPolicy policy;
  private final SfnClient sfn;
  private final String hostMachineArn;
  private final Settings settings;
  private final WallClock clock;

  public ScalerHandler() {
    this(
        new JobTable(DynamoClients.aws(), HostEnvironment.required("TABLE_NAME")),
        WorkerPolicy.parse(System.getenv("ALLOWED_WORKERS")),
        SfnClient.create(),
        HostEnvironment.required("HOST_STATE_MACHINE_ARN"),
        new Settings(
            Double.parseDouble(HostEnvironment.required("TICKS_PER_HOST")),
            Integer.parseInt(HostEnvironment.required("MIN_HOSTS")),
            Integer.parseInt(HostEnvironment.required("MAX_HOSTS"))),
        WallClock.SYSTEM);
  }

  public ScalerHandler(
      JobTable table,
      WorkerPolicy policy,
      SfnClient sfn,
      String hostMachineArn,
      Settings settings,
      WallClock clock) {
    this.table = table;
    this.policy = policy;
    this.sfn = sfn;
    this.hostMachineArn = hostMachineArn;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public String handleRequest(Object scheduledEvent, Context context) {
    HostScaling scaling = scaleOnce();
    return "desired "
        + scaling.desired()
        + ", started "
        + scaling.start()
        + ", stopped "
        + scaling.stop();
  }

  public HostScaling scaleOnce() {
    List<Job> running = new ArrayList<>();
    table
        .scanAll()
        .forEach(
            item -> {
              if (JobDecision.of(Optional.of(StoredJob.of(item)), policy)
                  instanceof JobDecision.Run run) {
                running.add(run.job());
              }
            });
    Map<Integer, String> slots = new HashMap<>();
    for (ExecutionListItem execution :
        sfn.listExecutionsPaginator(
                r -> r.stateMachineArn(hostMachineArn).statusFilter(ExecutionStatus.RUNNING))
            .executions()) {
      int slot = HostNames.slotNumber(execution.name());
      if (slot >= 0) {
        slots.put(slot, execution.executionArn());
      }
    }
    HostScaling scaling =
        HostScaling.of(
            HostScaling.tickRate(running),
            settings.ticksPerHost(),
            settings.minHosts(),
            settings.maxHosts(),
            slots.keySet());
    long minute = clock.wallMillis() / 60_000;
    for (int slot : scaling.start()) {
      try {
        sfn.startExecution(
            r ->
                r.stateMachineArn(hostMachineArn)
                    .name(HostNames.started(slot, minute))
                    .input("{}"));
      } catch (ExecutionAlreadyExistsException startedThisMinute) {
        // a repeated run of this minute: the slot starts once
      }
    }
    for (int slot : scaling.stop()) {
      sfn.stopExecution(r -> r.executionArn(slots.get(slot)).cause("scaled in"));
    }
    return scaling;
  }
}
