package dev.subminute.model.dynamodb;

import dev.subminute.model.Job;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The jobs table. User attributes are written as {@link JobAttributes} gives them, under optimistic
 * locking on {@code version}; status attributes go through narrow update expressions that touch
 * nothing else and never change {@code version}, so a status write can neither undo nor block a
 * user's write. Reads return raw items: the validator judges what users wrote.
 */
public final class JobTable {
  public static final String DEFAULT_NAME = "subminute-jobs";

  public static final String JOB_ID = "jobId";
  public static final String VERSION = "version";
  public static final String STATUS = "status";
  public static final String STATUS_REASON = "statusReason";
  public static final String OWNER = "owner";
  public static final String LEASE_UNTIL = "leaseUntil";
  public static final String LAST_TICK_AT = "lastTickAt";
  public static final String TICKS = "ticks";
  public static final String MISSED_TICKS = "missedTicks";
  public static final String INVOKE_ERRORS = "invokeErrors";
  public static final String DRIFT_P99_MS = "driftP99Ms";
  public static final String UPDATED_AT = "updatedAt";

  /** The attributes a user writes (the key and {@code version} aside). */
  public static final List<String> USER_ATTRIBUTES =
      List.of(
          "workerArn",
          "intervalMs",
          "running",
          "payload",
          "offsetMs",
          "profile",
          "timezone",
          "misfire",
          "placement");

  /** The attributes the system writes: the status and the lease. */
  public static final Set<String> STATUS_ATTRIBUTES =
      Set.of(
          STATUS,
          STATUS_REASON,
          OWNER,
          LEASE_UNTIL,
          LAST_TICK_AT,
          TICKS,
          MISSED_TICKS,
          INVOKE_ERRORS,
          DRIFT_P99_MS,
          UPDATED_AT);

  /**
   * The parked execution's task token, written by a shared job's enrollment and removed when it
   * ends: while it is on the item, the shared hosts run the job and no dedicated controller may.
   */
  public static final String TASK_TOKEN = "taskToken";

  /**
   * No owner holds the job's lease at {@code :now}: none is named, the lease ran out, or either
   * attribute has a type no controller writes (a hand edit), which counts as absent rather than as
   * a lease held forever. Its names: {@code #owner}, {@code #lease}; its values: {@code :now},
   * {@code :string} ("S"), {@code :number} ("N").
   */
  public static final String NOT_HELD =
      "(attribute_not_exists(#owner) OR NOT attribute_type(#owner, :string)"
          + " OR NOT attribute_type(#lease, :number) OR #lease < :now)";

  /** The counters that status writes add to; each must be a number (N) for ADD to work. */
  private static final List<String> COUNTERS = List.of(TICKS, MISSED_TICKS, INVOKE_ERRORS);

  private final DynamoDbClient client;
  private final String tableName;

  public JobTable(DynamoDbClient client, String tableName) {
    this.client = client;
    this.tableName = tableName;
  }

  public String name() {
    return tableName;
  }

  /** For the door's shard-index part ({@link Enrollments}) only: callers go through the door. */
  DynamoDbClient client() {
    return client;
  }

  /** Creates the table (on-demand, key {@code jobId}) unless it exists, and waits until active. */
  public void createIfMissing() {
    Tables.createIfMissing(client, tableName, JOB_ID);
  }

  /** Writes a new job at version 1; false when an item with that jobId already exists. */
  public boolean putIfAbsent(Job job) {
    return putIfAbsent(JobAttributes.of(job));
  }

  /**
   * Writes a new job given as raw attributes, at version 1; false when an item with that jobId
   * already exists. The caller validates the item first.
   */
  public boolean putIfAbsent(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> versioned = new HashMap<>(item);
    versioned.put(VERSION, number(1));
    try {
      client.putItem(
          r ->
              r.tableName(tableName)
                  .item(versioned)
                  .conditionExpression("attribute_not_exists(#id)")
                  .expressionAttributeNames(Map.of("#id", JOB_ID)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /** The item as stored, read consistently. */
  public Optional<Map<String, AttributeValue>> get(String jobId) {
    Map<String, AttributeValue> item =
        client.getItem(r -> r.tableName(tableName).key(key(jobId)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
  }

  /**
   * The optimistic-locking version of a stored item; 0 when a raw client wrote none or no number.
   */
  public static long version(Map<String, AttributeValue> item) {
    AttributeValue v = item.get(VERSION);
    try {
      return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** One page of raw items in key order of the scan, at most {@code limit}. */
  public Page list(int limit, String exclusiveStartJobId) {
    ScanResponse response =
        client.scan(
            r -> {
              r.tableName(tableName).limit(limit).consistentRead(true);
              if (exclusiveStartJobId != null) {
                r.exclusiveStartKey(key(exclusiveStartJobId));
              }
            });
    Map<String, AttributeValue> last = response.lastEvaluatedKey();
    String next = last == null || last.isEmpty() ? null : last.get(JOB_ID).s();
    return new Page(response.items(), next);
  }

  /** Every raw item, page by page. */
  public Stream<Map<String, AttributeValue>> scanAll() {
    return client
        .scanPaginator(ScanRequest.builder().tableName(tableName).consistentRead(true).build())
        .items()
        .stream();
  }

  /**
   * Replaces the user attributes of an existing job with those of {@code job} if nobody wrote it
   * since {@code job.version()}; user attributes that {@code job} leaves at their default are
   * removed, status attributes stay as they are.
   *
   * @return the job's new version
   * @throws UserWriteConflictException when the version moved on or the item is gone
   */
  public long replace(Job job) {
    Map<String, AttributeValue> set = JobAttributes.of(job);
    set.remove(JOB_ID);
    Set<String> remove = new HashSet<>(USER_ATTRIBUTES);
    remove.removeAll(set.keySet());
    return setAttributes(job.jobId(), set, remove, job.version());
  }

  /**
   * Sets and removes user attributes given as raw values, if the item is still at {@code
   * expectedVersion} (0: never versioned); bumps the version. Works on items of any shape, so a
   * user can repair an attribute the validator refuses.
   *
   * @throws UserWriteConflictException when the version moved on or the item is gone
   */
  public long setAttributes(
      String jobId, Map<String, AttributeValue> set, Set<String> remove, long expectedVersion) {
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> sets = new ArrayList<>();
    int i = 0;
    for (var e : set.entrySet()) {
      names.put("#a" + i, e.getKey());
      values.put(":a" + i, e.getValue());
      sets.add("#a" + i + " = :a" + i);
      i++;
    }
    List<String> removes = new ArrayList<>();
    for (String name : remove) {
      names.put("#a" + i, name);
      removes.add("#a" + i);
      i++;
    }
    names.put("#v", VERSION);
    names.put("#id", JOB_ID);
    values.put(":next", AttributeValue.fromN(Long.toString(expectedVersion + 1)));
    sets.add("#v = :next");
    String condition;
    if (expectedVersion == 0) {
      condition = "attribute_exists(#id) AND (attribute_not_exists(#v) OR #v = :zero)";
      values.put(":zero", AttributeValue.fromN("0"));
    } else {
      condition = "attribute_exists(#id) AND #v = :expected";
      values.put(":expected", AttributeValue.fromN(Long.toString(expectedVersion)));
    }
    String expression = "SET " + String.join(", ", sets);
    if (!removes.isEmpty()) {
      expression += " REMOVE " + String.join(", ", removes);
    }
    try {
      client.updateItem(
          UpdateItemRequest.builder()
              .tableName(tableName)
              .key(key(jobId))
              .updateExpression(expression)
              .conditionExpression(condition)
              .expressionAttributeNames(names)
              .expressionAttributeValues(values)
              .build());
      return expectedVersion + 1;
    } catch (ConditionalCheckFailedException e) {
      throw new UserWriteConflictException(jobId, expectedVersion);
    }
  }

  /**
   * Takes or renews the job's lease for {@code owner} until {@code leaseUntil} and writes the
   * status, if the item exists, no other owner holds a lease that is still valid at {@code nowMs},
   * and the job is not enrolled on the shared hosts. This is the fence: false means another owner
   * has the job and the caller must not fire.
   */
  public boolean writeStatusAsOwner(
      String jobId, String owner, long leaseUntil, long nowMs, StatusUpdate update) {
    StatusExpression e = new StatusExpression(jobId, update, nowMs);
    e.set(OWNER, AttributeValue.fromS(owner));
    e.set(LEASE_UNTIL, number(leaseUntil));
    e.values.put(":me", AttributeValue.fromS(owner));
    e.values.put(":now", number(nowMs));
    String condition =
        "attribute_exists(#id) AND attribute_not_exists(#token) AND ("
            + NOT_HELD
            + " OR #owner = :me)";
    e.names.put("#token", TASK_TOKEN);
    e.names.put("#owner", OWNER);
    e.names.put("#lease", LEASE_UNTIL);
    e.values.put(":string", AttributeValue.fromS("S"));
    e.values.put(":number", AttributeValue.fromS("N"));
    return e.apply(condition);
  }

  /** Gives up {@code owner}'s lease and writes a final status; false if it was not the owner. */
  public boolean releaseAsOwner(String jobId, String owner, long nowMs, StatusUpdate update) {
    StatusExpression e = new StatusExpression(jobId, update, nowMs);
    e.remove(OWNER);
    e.remove(LEASE_UNTIL);
    e.values.put(":me", AttributeValue.fromS(owner));
    e.names.put("#owner", OWNER);
    return e.apply("attribute_exists(#id) AND #owner = :me");
  }

  /** Writes status on an item nobody owns, such as INVALID with its reason. */
  public boolean writeStatusUnowned(String jobId, long nowMs, StatusUpdate update) {
    StatusExpression e = new StatusExpression(jobId, update, nowMs);
    e.values.put(":now", number(nowMs));
    e.names.put("#owner", OWNER);
    e.names.put("#lease", LEASE_UNTIL);
    e.values.put(":string", AttributeValue.fromS("S"));
    e.values.put(":number", AttributeValue.fromS("N"));
    return e.apply("attribute_exists(#id) AND " + NOT_HELD);
  }

  /**
   * Writes a shared host's status on a job: no per-job lease (the host's shard lease fences it);
   * when {@code whileRunning} is given, only if the item's {@code running} still has that value, so
   * a write that waited never undoes a newer pause or resume. False if the condition failed.
   */
  public boolean writeHostStatus(
      String jobId, long nowMs, StatusUpdate update, Boolean whileRunning) {
    StatusExpression e = new StatusExpression(jobId, update, nowMs);
    if (whileRunning == null) {
      return e.apply("attribute_exists(#id)");
    }
    e.names.put("#running", "running");
    e.values.put(":running", AttributeValue.fromBool(whileRunning));
    return e.apply("attribute_exists(#id) AND #running = :running");
  }

  /** Deletes a job; false if there was none. */
  public boolean delete(String jobId) {
    Map<String, AttributeValue> old =
        client
            .deleteItem(
                r -> r.tableName(tableName).key(key(jobId)).returnValues(ReturnValue.ALL_OLD))
            .attributes();
    return old != null && !old.isEmpty();
  }

  /** Removes the counters of the job that are not numbers; false if all of them are. */
  private boolean removeCountersOfWrongType(String jobId) {
    Map<String, AttributeValue> item = get(jobId).orElse(Map.of());
    Map<String, String> names = new HashMap<>();
    for (String counter : COUNTERS) {
      AttributeValue v = item.get(counter);
      if (v != null && v.n() == null) {
        names.put("#c" + names.size(), counter);
      }
    }
    if (names.isEmpty()) {
      return false;
    }
    client.updateItem(
        r ->
            r.tableName(tableName)
                .key(key(jobId))
                .updateExpression("REMOVE " + String.join(", ", names.keySet()))
                .expressionAttributeNames(names));
    return true;
  }

  private static Map<String, AttributeValue> key(String jobId) {
    return Map.of(JOB_ID, AttributeValue.fromS(jobId));
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }

  /** One page of a listing and the key to continue after it, null at the end. */
  public record Page(List<Map<String, AttributeValue>> items, String nextJobId) {}

  /** Builds an update expression that touches status attributes only. */
  private final class StatusExpression {
    final String jobId;
    final Map<String, String> names = new HashMap<>();
    final Map<String, AttributeValue> values = new HashMap<>();
    final List<String> sets = new ArrayList<>();
    final List<String> adds = new ArrayList<>();
    final List<String> removes = new ArrayList<>();

    StatusExpression(String jobId, StatusUpdate u, long nowMs) {
      this.jobId = jobId;
      names.put("#id", JOB_ID);
      if (u.status() != null) {
        set(STATUS, AttributeValue.fromS(u.status().name()));
      }
      if (u.statusReason() != null) {
        set(STATUS_REASON, AttributeValue.fromS(u.statusReason()));
      }
      if (u.lastTickAt() != null) {
        set(LAST_TICK_AT, number(u.lastTickAt()));
      }
      if (u.driftP99Ms() != null) {
        set(
            DRIFT_P99_MS,
            AttributeValue.fromN(String.format(java.util.Locale.ROOT, "%.3f", u.driftP99Ms())));
      }
      if (u.ticksDelta() != 0) {
        add(TICKS, u.ticksDelta());
      }
      if (u.missedDelta() != 0) {
        add(MISSED_TICKS, u.missedDelta());
      }
      if (u.invokeErrorsDelta() != 0) {
        add(INVOKE_ERRORS, u.invokeErrorsDelta());
      }
      set(UPDATED_AT, AttributeValue.fromS(Instant.ofEpochMilli(nowMs).toString()));
    }

    void set(String attribute, AttributeValue value) {
      String n = "#s" + names.size();
      String v = ":s" + values.size();
      names.put(n, attribute);
      values.put(v, value);
      sets.add(n + " = " + v);
    }

    void add(String attribute, long delta) {
      String n = "#s" + names.size();
      String v = ":s" + values.size();
      names.put(n, attribute);
      values.put(v, number(delta));
      adds.add(n + " " + v);
    }

    void remove(String attribute) {
      String n = "#s" + names.size();
      names.put(n, attribute);
      removes.add(n);
    }

    /**
     * Writes the update if {@code condition} holds. A counter of another type than a number (a hand
     * edit) would fail every later ADD and so stop the job's status for good: it is removed and
     * counted afresh from this write on.
     */
    boolean apply(String condition) {
      try {
        return write(condition);
      } catch (DynamoDbException e) {
        if (adds.isEmpty() || !removeCountersOfWrongType(jobId)) {
          throw e;
        }
        return write(condition);
      }
    }

    private boolean write(String condition) {
      StringBuilder expression = new StringBuilder("SET ").append(String.join(", ", sets));
      if (!adds.isEmpty()) {
        expression.append(" ADD ").append(String.join(", ", adds));
      }
      if (!removes.isEmpty()) {
        expression.append(" REMOVE ").append(String.join(", ", removes));
      }
      try {
        client.updateItem(
            UpdateItemRequest.builder()
                .tableName(tableName)
                .key(key(jobId))
                .updateExpression(expression.toString())
                .conditionExpression(condition)
                .expressionAttributeNames(names)
                .expressionAttributeValues(values)
                .build());
        return true;
      } catch (ConditionalCheckFailedException e) {
        return false;
      }
    }
  }

  /**
   * Writes raw items as given (past the validator, replacing any item of the same jobId whole, its
   * status, lease and enrollment with it: for tools that write fresh jobs), 25 to a batch, retrying
   * what the table leaves unprocessed after a growing pause.
   *
   * @throws IllegalStateException when a batch is still unprocessed after 10 tries
   */
  public void putAll(List<Map<String, AttributeValue>> items) throws InterruptedException {
    for (int i = 0; i < items.size(); i += 25) {
      List<WriteRequest> batch = new ArrayList<>();
      for (Map<String, AttributeValue> item : items.subList(i, Math.min(items.size(), i + 25))) {
        batch.add(WriteRequest.builder().putRequest(r -> r.item(item)).build());
      }
      Map<String, List<WriteRequest>> pending = Map.of(tableName, batch);
      for (int attempt = 1; !pending.isEmpty(); attempt++) {
        if (attempt > 10) {
          throw new IllegalStateException(
              "The table " + tableName + " kept refusing a batch of 25 items: is it throttled?");
        }
        Map<String, List<WriteRequest>> request = pending;
        pending = client.batchWriteItem(r -> r.requestItems(request)).unprocessedItems();
        if (!pending.isEmpty()) {
          Thread.sleep(50L * attempt);
        }
      }
    }
  }

  /**
   * Counts a failed or expired worker event on its job's item, as {@code failedTicks}, a status
   * attribute; false if the job is gone.
   */
  public boolean countFailedTick(String jobId, Instant now) {
    try {
      client.updateItem(
          r ->
              r.tableName(tableName)
                  .key(key(jobId))
                  .updateExpression("ADD failedTicks :one SET updatedAt = :now")
                  .conditionExpression("attribute_exists(jobId)")
                  .expressionAttributeValues(
                      Map.of(
                          ":one", AttributeValue.fromN("1"),
                          ":now", AttributeValue.fromS(now.toString()))));
      return true;
    } catch (ConditionalCheckFailedException gone) {
      return false;
    }
  }
}
