package dev.subminute.controller.core;

import com.google.common.hash.Hashing;
import dev.subminute.controller.time.WallClock;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Starts a job's execution for a stream record whose new image should run, where its placement runs
 * it: an execution of the job state machine for a shared job (it enrolls the job on the shared
 * hosts), of the controller state machine for a dedicated one. The execution name is derived from
 * the record, so a redelivered record starts nothing new; a second start for another record of the
 * same job is harmless, since the lease (dedicated) or the enrollment (shared) lets only one
 * execution fire, and a job never runs in both placements at once (see {@link
 * JobStore#writeStatusAsOwner}).
 */
public final class Starter {
  private final JobStore store;
  private final Executions executions;
  private final SharedExecutions shared;
  private final WorkerPolicy policy;
  private final WallClock clock;

  /**
   * @param executions the dedicated controllers' executions
   * @param shared the shared jobs' executions
   */
  public Starter(
      JobStore store,
      Executions executions,
      SharedExecutions shared,
      WorkerPolicy policy,
      WallClock clock) {
    this.store = store;
    this.executions = executions;
    this.shared = shared;
    this.policy = policy;
    this.clock = clock;
  }

  public enum Outcome {
    STARTED,
    ALREADY_STARTED,
    ALREADY_RUNNING,
    NOT_RUNNING,
    INVALID,
    IGNORED
  }

  /**
   * @param eventName INSERT, MODIFY or REMOVE
   * @param recordId the stream record's sequence number or event id
   * @param newImage the item after the change; null for REMOVE
   */
  public Outcome onRecord(String eventName, String recordId, StoredJob newImage) {
    if (newImage == null || !("INSERT".equals(eventName) || "MODIFY".equals(eventName))) {
      return Outcome.IGNORED;
    }
    JobDecision decision = JobDecision.of(Optional.of(newImage), policy);
    JobStatusView status = newImage.status();
    if (decision instanceof JobDecision.Stop stop) {
      if (stop.status() != JobStatus.INVALID) {
        return Outcome.NOT_RUNNING;
      }
      String id = newImage.jobId();
      boolean alreadySaid =
          status.status() == JobStatus.INVALID && stop.reason().equals(status.statusReason());
      if (id != null && !alreadySaid) {
        store.writeStatusUnowned(
            id, clock.wallMillis(), StatusUpdate.of(JobStatus.INVALID, stop.reason()));
      }
      return Outcome.INVALID;
    }
    if (status.owner() != null && status.leaseUntil() > clock.wallMillis()) {
      return Outcome.ALREADY_RUNNING; // includes the records of the controller's own status writes
    }
    if (newImage.enrolled()) {
      return Outcome.ALREADY_RUNNING; // enrolled on the shared hosts, which fire it
    }
    String discriminator =
        Hashing.sha256().hashString(recordId, StandardCharsets.UTF_8).toString().substring(0, 12);
    return Reconciler.startJob(
            executions, shared, ((JobDecision.Run) decision).job(), discriminator)
        ? Outcome.STARTED
        : Outcome.ALREADY_STARTED;
  }
}
