package dev.subminute.controller.host.dynamodb;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.JobStatusSink;
import dev.subminute.controller.host.StatusChange;
import dev.subminute.controller.host.StoredJob;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The jobs table as a host sees it: items in, status changes out. */
public final class DynamoJobs implements JobStatusSink {
  private final JobTable table;
  private final WorkerPolicy policy;

  public DynamoJobs(JobTable table, WorkerPolicy policy) {
    this.table = table;
    this.policy = policy;
  }

  /** Raw items (as scanned) in the host's terms; items without a string jobId are skipped. */
  public List<StoredJob> storedJobs(List<Map<String, AttributeValue>> items) {
    List<StoredJob> jobs = new ArrayList<>(items.size());
    for (Map<String, AttributeValue> item : items) {
      AttributeValue id = item.get(JobTable.JOB_ID);
      if (id != null && id.s() != null) {
        JobStatusView status = JobStatusView.of(item);
        jobs.add(
            new StoredJob(
                id.s(),
                JobDecision.of(Optional.of(item), policy),
                status.status(),
                status.statusReason(),
                status.lastTickAt()));
      }
    }
    return jobs;
  }

  @Override
  public boolean write(String jobId, StatusChange change, long nowMs) {
    StatusUpdate update =
        new StatusUpdate(
            change.status(),
            change.reason(),
            change.lastTickAt(),
            change.ticks(),
            change.missed(),
            change.invokeErrors(),
            change.driftP99Ms());
    return table.writeHostStatus(jobId, nowMs, update, change.whileRunning());
  }
}
