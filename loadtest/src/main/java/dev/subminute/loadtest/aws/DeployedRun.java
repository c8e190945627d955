package dev.subminute.loadtest.aws;

import dev.subminute.loadtest.Accounting;
import dev.subminute.loadtest.LoadPlan;
import dev.subminute.loadtest.SignedHistogram;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.worker.DriftProbe;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetQueryResultsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.QueryStatus;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResultField;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The load test against a deployed stack: the plan's items go into the real table naming the
 * stack's drift-probe worker; after the run every job is stopped and the probe's receipts are read
 * back from its log group with Logs Insights, a minute at a time (a query returns at most 10,000
 * rows), and counted against the grid like a local run.
 */
public final class DeployedRun {
  /** Executions start through the table's stream and a Lambda cold start: give them this long. */
  static final long STARTUP_MS = 60_000;

  /** Lambda delivers log lines to CloudWatch within seconds; wait this long before reading. */
  static final long LOG_DELAY_MS = 30_000;

  /** Arrival drift is the probe's clock read on arrival; dispatch drift the controller's stamp. */
  public record Result(
      Accounting.Counts counts,
      SignedHistogram arrival,
      SignedHistogram dispatch,
      long measureFrom,
      long measureTo) {}

  private final JobTable table;
  private final CloudWatchLogsClient logs;
  private final DeployedStack stack;

  public DeployedRun(JobTable table, CloudWatchLogsClient logs, DeployedStack stack) {
    this.table = table;
    this.logs = logs;
    this.stack = stack;
  }

  public Result run(LoadPlan plan, long durationMs, PrintStream progress)
      throws InterruptedException {
    for (Job job : plan.jobs()) {
      table.putIfAbsent(job.toBuilder().workerArn(stack.driftProbeArn()).build());
    }
    long measureFrom = System.currentTimeMillis() + STARTUP_MS;
    long measureTo = measureFrom + durationMs;
    progress.printf(
        "%d jobs written to %s; measuring from %d to %d%n",
        plan.jobs().size(), stack.tableName(), measureFrom, measureTo);
    Thread.sleep(Math.max(0, measureTo - System.currentTimeMillis()));
    for (String jobId : plan.jobIds()) {
      table.setAttributes(
          jobId,
          Map.of("running", AttributeValue.fromBool(false)),
          Set.of(),
          table.get(jobId).map(JobTable::version).orElse(0L));
    }
    Thread.sleep(LOG_DELAY_MS);
    List<DriftProbe.Receipt> receipts = new ArrayList<>();
    for (long from = measureFrom - 60_000; from < measureTo + 60_000; from += 60_000) {
      receipts.addAll(query(from, from + 60_000));
    }
    return account(plan.jobs(), receipts, measureFrom, measureTo);
  }

  /**
   * Counts receipts against the grid, as a local run does from the worker's side: every delivery
   * counts, so a tick Lambda delivered twice shows as duplicated. No dispatch record is read back,
   * so a lost dispatch counts as missed.
   */
  static Result account(List<Job> jobs, List<DriftProbe.Receipt> receipts, long from, long to) {
    Map<String, List<Long>> received = new HashMap<>();
    SignedHistogram arrival = new SignedHistogram();
    SignedHistogram dispatch = new SignedHistogram();
    for (DriftProbe.Receipt r : receipts) {
      received.computeIfAbsent(r.jobId(), id -> new ArrayList<>()).add(r.plannedAt());
      if (r.plannedAt() >= from && r.plannedAt() < to) {
        arrival.record(r.arrivalDriftMicros());
        dispatch.record(r.dispatchDriftMicros());
      }
    }
    List<Accounting.Counts> counts = new ArrayList<>();
    for (Job job : jobs) {
      long[] planned =
          received.getOrDefault(job.jobId(), List.of()).stream()
              .mapToLong(Long::longValue)
              .toArray();
      counts.add(Accounting.count(job, planned, null, from, to));
    }
    return new Result(Accounting.total(counts), arrival, dispatch, from, to);
  }

  private List<DriftProbe.Receipt> query(long fromMs, long toMs) throws InterruptedException {
    String id =
        logs.startQuery(
                r ->
                    r.logGroupName(stack.probeLogGroup())
                        .startTime(fromMs / 1000)
                        .endTime(toMs / 1000)
                        .queryString(
                            "fields @message | filter @message like /plannedAt/ | limit 10000"))
            .queryId();
    GetQueryResultsResponse results;
    do {
      Thread.sleep(1_000);
      results = logs.getQueryResults(r -> r.queryId(id));
    } while (results.status() == QueryStatus.RUNNING || results.status() == QueryStatus.SCHEDULED);
    List<DriftProbe.Receipt> receipts = new ArrayList<>();
    for (List<ResultField> row : results.results()) {
      row.stream()
          .filter(f -> f.field().equals("@message"))
          .findFirst()
          .flatMap(f -> ProbeLog.parse(f.value()))
          .ifPresent(receipts::add);
    }
    if (receipts.size() >= 10_000) {
      throw new IllegalStateException(
          "more than 10,000 receipts in a minute: run fewer or slower jobs against the stack "
              + Arrays.toString(new long[] {fromMs, toMs}));
    }
    return receipts;
  }
}
