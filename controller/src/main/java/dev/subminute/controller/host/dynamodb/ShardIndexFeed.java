package dev.subminute.controller.host.dynamodb;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.Host;
import dev.subminute.controller.host.HostJobView;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.controller.host.TaskTokens;
import dev.subminute.model.dynamodb.Enrollments;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a host on AWS learns each second: the items of the shards it holds, one Query per shard on
 * the shard index, never a read per job. An enrolled job that should no longer run, as one
 * consistent read of its item confirms, has its parked execution told why (the token that read
 * found) and leaves the index.
 */
public final class ShardIndexFeed {
  private final Enrollments enrollments;
  private final DynamoJobs jobs;
  private final JobTable table;
  private final TaskTokens tokens;
  private final WorkerPolicy policy;

  public ShardIndexFeed(JobTable table, DynamoJobs jobs, TaskTokens tokens, WorkerPolicy policy) {
    this.enrollments = new Enrollments(table);
    this.jobs = jobs;
    this.table = table;
    this.tokens = tokens;
    this.policy = policy;
  }

  /** Reads the host's shards, hands their items to it and ends the jobs that stopped. */
  public int poll(Host host) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int shard : host.heldShards()) {
      items.addAll(enrollments.shardItems(shard));
    }
    Settled settled = settle(items);
    host.offerItems(settled.jobs());
    return settled.ended();
  }

  /** What one read of the shard index comes to: the jobs to run or stop, and how many ended. */
  record Settled(List<HostJobView> jobs, int ended) {}

  /**
   * Decides from items read through the shard index and ends the jobs that stopped. The index lags
   * the table (a GSI is eventually consistent), so a job it shows ended is read again,
   * consistently, and that one read decides: if it still ends, the token on that same item is
   * completed and released; if the job runs again (stopped and started within the lag: a new
   * execution, a new token), the host keeps running it; if it is gone, the host drops it.
   */
  Settled settle(List<Map<String, AttributeValue>> indexItems) {
    List<Map<String, AttributeValue>> items = new ArrayList<>(indexItems.size());
    int ended = 0;
    for (Map<String, AttributeValue> indexed : indexItems) {
      if (ending(indexed).isEmpty()) {
        items.add(indexed);
        continue;
      }
      String jobId = indexed.get(JobTable.JOB_ID).s();
      Optional<Map<String, AttributeValue>> item = table.get(jobId);
      if (item.isEmpty()) {
        continue; // deleted: its token, if any, is completed from the table's stream
      }
      items.add(item.get());
      Optional<JobEnding> ending = ending(item.get());
      AttributeValue token = item.get().get(JobTable.TASK_TOKEN);
      if (ending.isPresent() && token != null && token.s() != null) {
        tokens.complete(token.s(), ending.get()); // a token no longer waiting is released too
        enrollments.release(jobId, token.s());
        ended++;
      }
    }
    return new Settled(jobs.views(items), ended);
  }

  private Optional<JobEnding> ending(Map<String, AttributeValue> item) {
    return JobEnding.of(JobDecision.of(Optional.of(StoredJob.of(item)), policy));
  }
}
