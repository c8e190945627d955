package dev.subminute.controller.core;

import dev.subminute.controller.time.WallClock;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Makes the executions match the table: starts jobs that should run and have no live lease, marks
 * bad items INVALID, and stops executions whose job is gone, stopped or owned by someone else. Runs
 * every minute on AWS and every second or so on the embedded runtime. A job starts where its
 * placement says: a dedicated controller's execution, or a shared job's execution that enrolls it
 * on the shared hosts.
 */
public final class Reconciler {
  private final JobStore store;
  private final Executions executions;
  private final SharedExecutions shared;
  private final WorkerPolicy policy;
  private final WallClock clock;

  /**
   * @param executions the dedicated controllers' executions, which this also lists and stops
   * @param shared the shared jobs' executions, which end by themselves when their job ends
   */
  public Reconciler(
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

  public record Outcome(int jobs, int started, int invalid, int orphansStopped) {}

  public Outcome reconcileOnce() {
    return reconcile(store.readAll());
  }

  /** Reconciles against items just scanned, so that one scan can also feed running windows. */
  public Outcome reconcile(List<StoredJob> scanned) {
    long nowMs = clock.wallMillis();
    Map<String, StoredJob> items = new HashMap<>();
    Map<String, String> jobByOwner = new HashMap<>();
    scanned.forEach(
        item -> {
          String id = item.jobId();
          if (id != null) {
            items.put(id, item);
            String owner = item.status().owner();
            if (owner != null) {
              jobByOwner.put(owner, id);
            }
          }
        });
    Set<String> live = new HashSet<>();
    Set<String> runningOwners = new HashSet<>();
    int orphans = 0;
    for (Executions.RunningExecution listed : executions.running()) {
      Executions.RunningExecution execution = identify(listed, jobByOwner);
      runningOwners.add(execution.owner());
      StoredJob item = items.get(execution.jobId());
      JobDecision decision = JobDecision.of(Optional.ofNullable(item), policy);
      JobStatusView status = item == null ? null : item.status();
      boolean ownedByOther = status != null && status.leasedByOtherThan(execution.owner(), nowMs);
      if (decision instanceof JobDecision.Stop || ownedByOther) {
        executions.stop(
            execution,
            ownedByOther
                ? "job owned by " + status.owner()
                : ((JobDecision.Stop) decision).reason());
        orphans++;
      } else {
        live.add(execution.jobId());
      }
    }
    int started = 0;
    int invalid = 0;
    for (StoredJob item : items.values()) {
      String jobId = item.jobId();
      JobDecision decision = JobDecision.of(Optional.of(item), policy);
      JobStatusView status = item.status();
      if (decision instanceof JobDecision.Stop stop) {
        if (stop.status() == JobStatus.INVALID) {
          invalid++;
        }
        if (status.owner() != null && !runningOwners.contains(status.owner())) {
          // the owner's execution has ended (a parked one is stopped in the pass before): a
          // controller in a window releases its own lease, but a stopped or dead one never will
          store.releaseAsOwner(
              jobId, status.owner(), nowMs, StatusUpdate.of(stop.status(), stop.reason()));
        } else if (stop.status() == JobStatus.INVALID) {
          markInvalid(jobId, status, stop.reason(), nowMs);
        }
        continue;
      }
      boolean leased = status.owner() != null && status.leaseUntil() > nowMs;
      // a job enrolled on the shared hosts (its execution parked on a task token) is theirs
      boolean enrolled = item.enrolled();
      if (!leased && !enrolled && !live.contains(jobId)) {
        Job job = ((JobDecision.Run) decision).job();
        if (startJob(executions, shared, job, "r" + nowMs / 60_000)) {
          started++;
        }
      }
    }
    return new Outcome(items.size(), started, invalid, orphans);
  }

  /**
   * The job and owner of a listed execution: an execution named as an item's owner (or as one of
   * its continuations) is that owner's, with no call; only the others (just started, or orphans)
   * are described, one call each.
   */
  private Executions.RunningExecution identify(
      Executions.RunningExecution listed, Map<String, String> jobByOwner) {
    if (listed.jobId() != null) {
      return listed;
    }
    String owner = listed.name().replaceFirst("-g\\d{1,9}$", "");
    String jobId = jobByOwner.get(owner);
    if (jobId != null
        && (listed.name().equals(owner)
            || listed.name().equals(Controller.nextExecutionName(owner, generation(listed))))) {
      return new Executions.RunningExecution(listed.id(), listed.name(), jobId, owner);
    }
    return executions.describe(listed);
  }

  private static int generation(Executions.RunningExecution listed) {
    String name = listed.name();
    return Integer.parseInt(name.substring(name.lastIndexOf("-g") + 2));
  }

  private void markInvalid(String jobId, JobStatusView status, String reason, long nowMs) {
    if (status.status() != JobStatus.INVALID || !reason.equals(status.statusReason())) {
      store.writeStatusUnowned(jobId, nowMs, StatusUpdate.of(JobStatus.INVALID, reason));
    }
  }

  /**
   * Starts a job's execution where its placement runs it, under a name made of the job and a
   * discriminator, so that the same record or the same reconcile minute starts nothing twice.
   */
  static boolean startJob(
      Executions dedicated, SharedExecutions shared, Job job, String discriminator) {
    String name = executionName(job.jobId(), discriminator);
    return switch (job.placement()) {
      case SHARED -> shared.start(name, job.jobId());
      case DEDICATED -> dedicated.start(name, ControllerState.start(job.jobId(), name));
    };
  }

  static String executionName(String jobId, String discriminator) {
    String name = jobId + "-" + discriminator;
    return name.length() <= 80 ? name : name.substring(0, 80);
  }
}
