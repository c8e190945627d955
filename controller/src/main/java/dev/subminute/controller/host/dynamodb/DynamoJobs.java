package dev.subminute.controller.host.dynamodb;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.HostJobView;
import dev.subminute.controller.host.JobStatusSink;
import dev.subminute.controller.host.StatusChange;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The jobs table as a host sees it: items in, status changes out. */
public final class DynamoJobs implements JobStatusSink {
  private final JobTable table;
  private final WorkerPolicy policy;
  private Map<String, Decided> lastDecided = Map.of();

  public DynamoJobs(JobTable table, WorkerPolicy policy) {
    this.table = table;
    this.policy = policy;
  }

  /**
   * Raw items (as scanned) as the host's views of them; items without a string jobId are skipped.
   * An item whose user attributes did not change since the last call keeps its decision, and the
   * item it was made from: validating thousands of unchanged items (and their payloads) every scan
   * would only make garbage, and holding each scan's items until the next would make every young
   * collection copy them.
   */
  public synchronized List<HostJobView> views(List<Map<String, AttributeValue>> items) {
    List<HostJobView> jobs = new ArrayList<>(items.size());
    Map<String, Decided> decided = new HashMap<>(items.size() * 2);
    for (Map<String, AttributeValue> item : items) {
      AttributeValue id = item.get(JobTable.JOB_ID);
      if (id != null && id.s() != null) {
        Decided before = lastDecided.get(id.s());
        Decided now =
            before != null && sameUserAttributes(before.item(), item)
                ? before
                : new Decided(item, JobDecision.of(Optional.of(StoredJob.of(item)), policy));
        decided.put(id.s(), now);
        JobStatusView status = JobStatusView.of(item);
        jobs.add(
            new HostJobView(
                id.s(),
                now.decision(),
                status.status(),
                status.statusReason(),
                status.lastTickAt()));
      }
    }
    lastDecided = decided;
    return jobs;
  }

  /** The item the job's current decision was made from; empty if the last read had no such job. */
  synchronized Optional<Map<String, AttributeValue>> decidedItem(String jobId) {
    return Optional.ofNullable(lastDecided.get(jobId)).map(Decided::item);
  }

  /** Whether two items hold the same attributes apart from those the system writes. */
  static boolean sameUserAttributes(
      Map<String, AttributeValue> before, Map<String, AttributeValue> now) {
    int userAttributes = 0;
    for (Map.Entry<String, AttributeValue> attribute : now.entrySet()) {
      if (!JobTable.STATUS_ATTRIBUTES.contains(attribute.getKey())) {
        userAttributes++;
        if (!attribute.getValue().equals(before.get(attribute.getKey()))) {
          return false;
        }
      }
    }
    for (String name : before.keySet()) {
      if (!JobTable.STATUS_ATTRIBUTES.contains(name)) {
        userAttributes--;
      }
    }
    return userAttributes == 0;
  }

  private record Decided(Map<String, AttributeValue> item, JobDecision decision) {}

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
