package dev.subminute.model.jobs;

import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.WorkerArns;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StoredJob;
import dev.subminute.model.dynamodb.UserWriteConflictException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Jobs from Java: put, read, list, pause, resume, change and delete the items of a jobs table.
 * Every write is validated as a whole job first (the reasons are the ones an item written by any
 * other client gets as {@code INVALID}), and every change is guarded by the item's {@code version}:
 * a change made on a stale read is refused or read again, never lost. Failures are {@link
 * JobsException}s whose message is one sentence saying what to do.
 *
 * <pre>{@code
 * SubminuteJobs jobs = SubminuteJobs.local(URI.create("http://127.0.0.1:4567"));
 * jobs.put(JobSpec.builder("probe-1", "drift-probe", 250).build());
 * jobs.setInterval("probe-1", 1_000);
 * jobs.pause("probe-1");
 * }</pre>
 */
public final class SubminuteJobs {
  /** The workers the embedded runtime registers. */
  public static final List<String> EMBEDDED_WORKERS = List.of("http-poll", "drift-probe", "log");

  private static final int ATTEMPTS = 5;

  private final JobTable table;
  private final List<String> workers;
  private final String where;

  /**
   * @param workers the worker names the runtime knows (a worker may also be named by an ARN ending
   *     in {@code function:<name>}); empty: any Lambda function name or ARN
   * @param where the table and its place, for messages ("table t at http://127.0.0.1:4567")
   */
  public SubminuteJobs(JobTable table, List<String> workers, String where) {
    this.table = table;
    this.workers = List.copyOf(workers);
    this.where = where;
  }

  /** The default table on the embedded runtime at {@code endpoint}. */
  public static SubminuteJobs local(URI endpoint) {
    return local(endpoint, JobTable.DEFAULT_NAME);
  }

  /** A table on the embedded runtime (or any DynamoDB API) at {@code endpoint}. */
  public static SubminuteJobs local(URI endpoint, String tableName) {
    return new SubminuteJobs(
        new JobTable(DynamoClients.local(endpoint), tableName),
        EMBEDDED_WORKERS,
        "table " + tableName + " at " + endpoint);
  }

  /** A table on AWS, credentials and region from the default chains; any Lambda worker. */
  public static SubminuteJobs aws(String tableName) {
    return new SubminuteJobs(
        new JobTable(DynamoClients.aws(), tableName), List.of(), "table " + tableName + " on AWS");
  }

  /**
   * Writes a new job.
   *
   * @throws JobsException.Invalid when it breaks a rule of the item (nothing is written)
   * @throws JobsException.Exists when a job with its id exists
   */
  public void put(JobSpec spec) {
    validate(spec.item());
    if (!storage(() -> table.putIfAbsent(spec.item()))) {
      throw new JobsException.Exists(
          "job " + spec.jobId() + " exists already; change it (jobs set) or delete it first");
    }
  }

  /** The job as stored, or empty. */
  public Optional<StoredJob> get(String jobId) {
    checkId(jobId);
    return storage(() -> table.get(jobId)).map(StoredJob::of);
  }

  /** The status the system wrote on the job. */
  public JobStatusView status(String jobId) {
    return require(jobId).status();
  }

  /**
   * At most {@code limit} jobs, starting after {@code afterJobId} (null: from the start), and the
   * id to continue after, null at the end.
   */
  public Page list(int limit, String afterJobId) {
    if (limit < 1) {
      throw new JobsException.Invalid("limit " + limit + " must be 1 or more");
    }
    JobTable.Page page = storage(() -> table.list(limit, afterJobId));
    return new Page(page.items().stream().map(StoredJob::of).toList(), page.nextJobId());
  }

  /** Sets {@code running = false}: the timer stops within a second. */
  public long pause(String jobId) {
    return update(jobId, JobChange.builder().running(false).build());
  }

  /** Sets {@code running = true}: the timer starts within a second, on its grid. */
  public long resume(String jobId) {
    return update(jobId, JobChange.builder().running(true).build());
  }

  public long setInterval(String jobId, long intervalMs) {
    return update(jobId, JobChange.builder().intervalMs(intervalMs).build());
  }

  /** The interval rules as a JSON list; see {@link JobSpec.Builder#profileJson}. */
  public long setProfile(String jobId, String profileJson) {
    return update(jobId, JobChange.builder().profileJson(profileJson).build());
  }

  /** The worker's payload as a JSON object. */
  public long setPayload(String jobId, String payloadJson) {
    return update(jobId, JobChange.builder().payloadJson(payloadJson).build());
  }

  /**
   * Applies {@code change} to the job as it is now: reads it, validates the result, writes it if
   * nobody wrote in between, and reads again if somebody did (a few times).
   *
   * @return the job's new version
   */
  public long update(String jobId, JobChange change) {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      StoredJob job = require(jobId);
      try {
        return apply(job, change);
      } catch (JobsException.Conflict somebodyWrote) {
        // read again
      }
    }
    throw new JobsException.Conflict(
        "job " + jobId + " kept changing under " + ATTEMPTS + " attempts; try again");
  }

  /**
   * Applies {@code change} only if the job is still at {@code expectedVersion}.
   *
   * @return the job's new version
   * @throws JobsException.Conflict when it is not
   */
  public long update(String jobId, JobChange change, long expectedVersion) {
    StoredJob job = require(jobId);
    if (job.version() != expectedVersion) {
      throw conflict(jobId, expectedVersion);
    }
    return apply(job, change);
  }

  /** Deletes the job: its timer stops within a second. */
  public void delete(String jobId) {
    checkId(jobId);
    if (!storage(() -> table.delete(jobId))) {
      throw notFound(jobId);
    }
  }

  private long apply(StoredJob job, JobChange change) {
    Map<String, AttributeValue> after = new HashMap<>(job.item());
    after.putAll(change.set());
    change.remove().forEach(after::remove);
    validate(after);
    try {
      return storage(
          () -> table.setAttributes(job.jobId(), change.set(), change.remove(), job.version()));
    } catch (UserWriteConflictException e) {
      throw conflict(job.jobId(), job.version());
    }
  }

  private StoredJob require(String jobId) {
    return get(jobId).orElseThrow(() -> notFound(jobId));
  }

  private void validate(Map<String, AttributeValue> item) {
    if (JobValidator.validate(item) instanceof JobValidation.Invalid invalid) {
      throw new JobsException.Invalid(invalid.summary());
    }
    String worker = item.get("workerArn").s();
    if (!workers.isEmpty() && !workers.contains(WorkerArns.functionName(worker))) {
      throw new JobsException.Invalid(
          "workerArn \""
              + worker
              + "\" is not a worker of the embedded runtime; use one of "
              + String.join(", ", workers)
              + " (with --aws, any Lambda function name or ARN)");
    }
  }

  private static void checkId(String jobId) {
    if (jobId == null || !JobValidator.JOB_ID.matcher(jobId).matches()) {
      throw new JobsException.Invalid(
          "job id \""
              + (jobId == null ? "" : jobId)
              + "\" must be 1 to 64 characters of A-Z a-z 0-9 _ -");
    }
  }

  private <T> T storage(Supplier<T> call) {
    try {
      return call.get();
    } catch (ResourceNotFoundException e) {
      throw new JobsException.Unreachable(
          "there is no " + where + "; start `subminute local` or name another table", e);
    } catch (SdkClientException e) {
      throw new JobsException.Unreachable(
          "cannot reach DynamoDB for " + where + " (" + rootMessage(e) + ")", e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }

  private JobsException.NotFound notFound(String jobId) {
    return new JobsException.NotFound("no job " + jobId + " in " + where + "; create it with put");
  }

  private static JobsException.Conflict conflict(String jobId, long version) {
    return new JobsException.Conflict(
        "job "
            + jobId
            + " changed since version "
            + version
            + " was read; read it again and reapply the change");
  }

  /** One page of a listing, and the id to continue after, null at the end. */
  public record Page(List<StoredJob> jobs, String nextJobId) {}
}
