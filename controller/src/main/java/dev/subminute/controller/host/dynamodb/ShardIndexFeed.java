package dev.subminute.controller.host.dynamodb;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.Host;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.controller.host.TaskTokens;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a host on AWS learns each second: the items of the shards it holds, one Query per shard on
 * the shard index, never a read per job. An enrolled job that should no longer run has its parked
 * execution told why (its token read from the table then), and leaves the index.
 */
public final class ShardIndexFeed {
  private final Enrollments enrollments;
  private final DynamoJobs jobs;
  private final TaskTokens tokens;
  private final WorkerPolicy policy;

  public ShardIndexFeed(
      Enrollments enrollments, DynamoJobs jobs, TaskTokens tokens, WorkerPolicy policy) {
    this.enrollments = enrollments;
    this.jobs = jobs;
    this.tokens = tokens;
    this.policy = policy;
  }

  /** Reads the host's shards, hands their items to it and ends the jobs that stopped. */
  public int poll(Host host) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int shard : host.heldShards()) {
      items.addAll(enrollments.shardItems(shard));
    }
    host.offerItems(jobs.views(items));
    int ended = 0;
    for (Map<String, AttributeValue> item : items) {
      Optional<JobEnding> ending =
          JobEnding.of(JobDecision.of(Optional.of(StoredJob.of(item)), policy));
      if (ending.isPresent()) {
        // the index carries no token: read it now, once per ended job
        String jobId = item.get(JobTable.JOB_ID).s();
        Optional<String> token = enrollments.taskToken(jobId);
        if (token.isPresent()) {
          tokens.complete(token.get(), ending.get()); // a token no longer waiting is released too
          enrollments.release(jobId, token.get());
          ended++;
        }
      }
    }
    return ended;
  }
}
