package dev.subminute.model.dynamodb;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * The shard-index part of the jobs table's door, beside {@link JobTable}: a shared job's enrollment
 * on its own item (the parked execution's task token, the execution's name and the job's shard).
 * The {@code shard} attribute keys the table's shard index, so a host learns the items of the
 * shards it holds with one Query per shard, and an item is in the index exactly while an execution
 * is parked on it.
 */
public final class Enrollments {
  public static final String TASK_TOKEN = JobTable.TASK_TOKEN;
  public static final String EXECUTION = "execution";
  public static final String SHARD = "shard";
  public static final String SHARD_INDEX = "shard-index";

  /**
   * What the shard index carries besides its keys ({@code jobId}, {@code shard}): all a host reads
   * every second to run a job and to see it end, that is the user's attributes (with the version
   * their writes bump) and the status and reason it compares before writing them again. Not the
   * task token, read from the table when a job ends (rare), nor the counts, {@code lastTickAt} and
   * {@code updatedAt} that the hosts' flushes write: those writes touch the table only, and the
   * per-second Query reads a few hundred bytes a job instead of the whole item. Without {@code
   * lastTickAt}, a host taking over a dead host's shard counts its jobs' missed ticks from that
   * host's last lease renewal. The stack's index projects exactly these.
   */
  public static final List<String> SHARD_INDEX_ATTRIBUTES =
      Stream.concat(
              JobTable.USER_ATTRIBUTES.stream(),
              Stream.of(JobTable.VERSION, JobTable.STATUS, JobTable.STATUS_REASON))
          .toList();

  /** Tries of an enrollment refused by a lease that is gone when read after the refusal. */
  private static final int ENROLL_ATTEMPTS = 3;

  private final JobTable table;
  private final DynamoDbClient client;
  private final String tableName;

  public Enrollments(JobTable table) {
    this.table = table;
    this.client = table.client();
    this.tableName = table.name();
  }

  /**
   * What an enrollment found.
   *
   * @param owner for {@link Kind#HELD_BY_DEDICATED}, the dedicated execution that holds the lease
   * @param replacedToken for {@link Kind#ENROLLED}, the token of another execution enrolled before
   *     this one (a second start of the same job), whose execution must end; else null
   */
  public record Outcome(Kind kind, String owner, String replacedToken) {
    public enum Kind {
      ENROLLED,
      GONE,
      HELD_BY_DEDICATED
    }
  }

  /**
   * Writes the enrollment (status attributes only), unless the item is gone or a dedicated
   * controller holds a live lease on it: a job never runs in both placements at once. A refusal is
   * reported from a consistent read after it; if that read finds neither (the lease was released in
   * between, or its holder wrote a lease already over at {@code nowMs}), the enrollment is tried
   * again.
   */
  public Outcome enroll(String jobId, int shard, String execution, String taskToken, long nowMs) {
    for (int attempt = 1; ; attempt++) {
      Optional<Outcome> enrolled = tryEnroll(jobId, shard, execution, taskToken, nowMs);
      if (enrolled.isPresent()) {
        return enrolled.get();
      }
      Optional<Map<String, AttributeValue>> read = table.get(jobId);
      if (read.isEmpty()) {
        return new Outcome(Outcome.Kind.GONE, null, null);
      }
      Map<String, AttributeValue> item = read.get();
      Optional<String> owner = liveOwner(item, nowMs);
      if (owner.isPresent()) {
        return new Outcome(Outcome.Kind.HELD_BY_DEDICATED, owner.get(), null);
      }
      if (attempt == ENROLL_ATTEMPTS) {
        throw new IllegalStateException(
            "The enrollment of job "
                + jobId
                + " was refused "
                + ENROLL_ATTEMPTS
                + " times by a dedicated lease that was gone when read: start the job again"
                + " once its dedicated controller has let it go.");
      }
    }
  }

  /** The conditional write of the enrollment; empty when its condition refused it. */
  private Optional<Outcome> tryEnroll(
      String jobId, int shard, String execution, String taskToken, long nowMs) {
    Map<String, String> names = new HashMap<>();
    names.put("#id", JobTable.JOB_ID);
    names.put("#token", TASK_TOKEN);
    names.put("#exec", EXECUTION);
    names.put("#shard", SHARD);
    names.put("#at", JobTable.UPDATED_AT);
    names.put("#owner", JobTable.OWNER);
    names.put("#lease", JobTable.LEASE_UNTIL);
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":token", AttributeValue.fromS(taskToken));
    values.put(":exec", AttributeValue.fromS(execution));
    values.put(":shard", AttributeValue.fromN(Integer.toString(shard)));
    values.put(":at", AttributeValue.fromN(Long.toString(nowMs)));
    values.put(":now", AttributeValue.fromN(Long.toString(nowMs)));
    values.put(":string", AttributeValue.fromS("S"));
    values.put(":number", AttributeValue.fromS("N"));
    try {
      Map<String, AttributeValue> old =
          client
              .updateItem(
                  r ->
                      r.tableName(tableName)
                          .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                          .updateExpression(
                              "SET #token = :token, #exec = :exec, #shard = :shard, #at = :at")
                          .conditionExpression("attribute_exists(#id) AND " + JobTable.NOT_HELD)
                          .expressionAttributeNames(names)
                          .expressionAttributeValues(values)
                          .returnValues(ReturnValue.UPDATED_OLD))
              .attributes();
      AttributeValue oldToken = old == null ? null : old.get(TASK_TOKEN);
      AttributeValue oldExecution = old == null ? null : old.get(EXECUTION);
      boolean replaced =
          oldToken != null
              && oldToken.s() != null
              && (oldExecution == null || !execution.equals(oldExecution.s()));
      return Optional.of(new Outcome(Outcome.Kind.ENROLLED, null, replaced ? oldToken.s() : null));
    } catch (ConditionalCheckFailedException refused) {
      return Optional.empty();
    }
  }

  /**
   * The dedicated controller whose lease on the item is live at {@code nowMs}: the negation of
   * {@link JobTable#NOT_HELD}.
   */
  private static Optional<String> liveOwner(Map<String, AttributeValue> item, long nowMs) {
    AttributeValue owner = item.get(JobTable.OWNER);
    AttributeValue lease = item.get(JobTable.LEASE_UNTIL);
    boolean live =
        owner != null
            && owner.s() != null
            && lease != null
            && lease.n() != null
            && new BigDecimal(lease.n()).compareTo(BigDecimal.valueOf(nowMs)) >= 0;
    return live ? Optional.of(owner.s()) : Optional.empty();
  }

  /**
   * Every item enrolled in the shard, read from the shard index: the keys and {@link
   * #SHARD_INDEX_ATTRIBUTES} of each.
   */
  public List<Map<String, AttributeValue>> shardItems(int shard) {
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder query =
          QueryRequest.builder()
              .tableName(tableName)
              .indexName(SHARD_INDEX)
              .keyConditionExpression("#shard = :shard")
              .expressionAttributeNames(Map.of("#shard", SHARD))
              .expressionAttributeValues(
                  Map.of(":shard", AttributeValue.fromN(Integer.toString(shard))));
      if (start != null) {
        query.exclusiveStartKey(start);
      }
      QueryResponse page = client.query(query.build());
      items.addAll(page.items());
      start = page.hasLastEvaluatedKey() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return items;
  }

  /**
   * Ends the enrollment whose token was completed: the item leaves the shard index. Only if the
   * token is still the one completed, so a newer execution's enrollment stays.
   */
  public boolean release(String jobId, String taskToken) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                  .updateExpression("REMOVE #token, #shard")
                  .conditionExpression("#token = :token")
                  .expressionAttributeNames(Map.of("#token", TASK_TOKEN, "#shard", SHARD))
                  .expressionAttributeValues(Map.of(":token", AttributeValue.fromS(taskToken))));
      return true;
    } catch (ConditionalCheckFailedException moved) {
      return false;
    }
  }

  /**
   * The job's execution was stopped from outside (StopExecution): the job stops as if the user had
   * set {@code running = false}, and its enrollment ends. Only if the item is still enrolled by
   * that execution, so stopping an old execution never stops a newer one's job.
   */
  public boolean stopForExecution(String jobId, String execution, String reason, long nowMs) {
    Map<String, String> names = new HashMap<>();
    names.put("#exec", EXECUTION);
    names.put("#token", TASK_TOKEN);
    names.put("#shard", SHARD);
    names.put("#running", "running");
    names.put("#status", JobTable.STATUS);
    names.put("#reason", JobTable.STATUS_REASON);
    names.put("#at", JobTable.UPDATED_AT);
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS(jobId)))
                  .updateExpression(
                      "SET #running = :false, #status = :stopped, #reason = :reason, #at = :at"
                          + " REMOVE #token, #shard")
                  .conditionExpression("#exec = :exec")
                  .expressionAttributeNames(names)
                  .expressionAttributeValues(
                      Map.of(
                          ":exec", AttributeValue.fromS(execution),
                          ":false", AttributeValue.fromBool(false),
                          ":stopped", AttributeValue.fromS("STOPPED"),
                          ":reason", AttributeValue.fromS(reason),
                          ":at", AttributeValue.fromN(Long.toString(nowMs)))));
      return true;
    } catch (ConditionalCheckFailedException notThatExecution) {
      return false;
    }
  }
}
