package dev.subminute.model.dynamodb;

import static dev.subminute.model.dynamodb.JobTable.JOB_ID;
import static dev.subminute.model.dynamodb.JobTable.LEASE_UNTIL;
import static dev.subminute.model.dynamodb.JobTable.MISSED_TICKS;
import static dev.subminute.model.dynamodb.JobTable.OWNER;
import static dev.subminute.model.dynamodb.JobTable.TICKS;
import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.Misfire;
import dev.subminute.model.Placement;
import dev.subminute.model.ProfileRule;
import dev.subminute.model.testing.SharedDynalite;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Against a real dynalite, started by the test on a free loopback port. */
class JobTableTest {
  JobTable table;

  @BeforeEach
  void newTable() {
    table = SharedDynalite.newTable("table");
  }

  static Job job(String id) {
    return Job.builder(id, "drift-probe", 1000)
        .payloadJson("{\"url\":\"http://127.0.0.1:1/x\"}")
        .profile(List.of(new ProfileRule(EnumSet.range(MONDAY, FRIDAY), 8 * 60, 20 * 60, 500)))
        .timezone(ZoneId.of("Europe/Berlin"))
        .build();
  }

  @Test
  void put_if_absent_writes_once_and_the_item_validates() {
    assertTrue(table.putIfAbsent(job("a")));
    assertFalse(table.putIfAbsent(job("a").toBuilder().intervalMs(5000).build()));
    Map<String, AttributeValue> raw = table.get("a").orElseThrow();
    assertEquals("1000", raw.get("intervalMs").n());
    assertEquals("1", raw.get("version").n());
    JobValidation.Valid valid =
        assertInstanceOf(JobValidation.Valid.class, JobValidator.validate(raw));
    assertEquals(500, valid.job().profile().get(0).intervalMs());
    assertEquals(1, valid.job().version());
  }

  @Test
  void get_of_a_missing_job_is_empty() {
    assertTrue(table.get("nope").isEmpty());
  }

  @Test
  void list_pages_through_every_item() {
    for (int i = 0; i < 25; i++) {
      table.putIfAbsent(job("job-" + i));
    }
    Set<String> seen = new HashSet<>();
    String next = null;
    int pages = 0;
    do {
      JobTable.Page page = table.list(10, next);
      page.items().forEach(item -> seen.add(item.get("jobId").s()));
      next = page.nextJobId();
      pages++;
    } while (next != null);
    assertEquals(25, seen.size());
    assertTrue(pages >= 3);
    assertEquals(25, table.scanAll().count());
  }

  @Test
  void a_replace_with_a_stale_version_is_refused() {
    table.putIfAbsent(job("u"));
    Job read = valid(table.get("u").orElseThrow());
    assertEquals(2, table.replace(read.toBuilder().intervalMs(250).build()));
    assertThrows(
        UserWriteConflictException.class,
        () -> table.replace(read.toBuilder().intervalMs(999).build()));
    assertEquals("250", table.get("u").orElseThrow().get("intervalMs").n());
  }

  @Test
  void a_replace_writes_every_user_attribute_and_removes_those_left_at_their_default() {
    table.putIfAbsent(job("r2"));
    Job read = valid(table.get("r2").orElseThrow());
    Job replaced =
        Job.builder("r2", "log", 300)
            .running(false)
            .misfire(Misfire.FIRE_ONCE)
            .placement(Placement.DEDICATED)
            .version(read.version())
            .build();
    assertEquals(2, table.replace(replaced));
    Map<String, AttributeValue> item = table.get("r2").orElseThrow();
    assertEquals(replaced.toBuilder().version(2).build(), valid(item));
    assertEquals(
        Set.of("jobId", "workerArn", "intervalMs", "running", "misfire", "placement", "version"),
        item.keySet());
  }

  @Test
  void a_replace_of_a_job_that_is_gone_is_refused() {
    assertThrows(UserWriteConflictException.class, () -> table.replace(job("gone")));
  }

  private static Job valid(Map<String, AttributeValue> item) {
    return assertInstanceOf(JobValidation.Valid.class, JobValidator.validate(item)).job();
  }

  @Test
  void set_attributes_repairs_an_item_the_mapper_cannot_read() {
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId", AttributeValue.fromS("raw"),
            "workerArn", AttributeValue.fromS("log"),
            "intervalMs", AttributeValue.fromS("fast"),
            "running", AttributeValue.fromBool(true)));
    assertInstanceOf(
        JobValidation.Invalid.class, JobValidator.validate(table.get("raw").orElseThrow()));
    long version =
        table.setAttributes("raw", Map.of("intervalMs", AttributeValue.fromN("500")), Set.of(), 0);
    assertEquals(1, version);
    assertInstanceOf(
        JobValidation.Valid.class, JobValidator.validate(table.get("raw").orElseThrow()));
    assertThrows(
        UserWriteConflictException.class,
        () ->
            table.setAttributes(
                "raw", Map.of("running", AttributeValue.fromBool(false)), Set.of(), 0));
    table.setAttributes("raw", Map.of(), Set.of("running"), 1);
    assertNull(table.get("raw").orElseThrow().get("running"));
  }

  @Test
  void status_writes_touch_only_status_and_never_block_a_user_write() {
    table.putIfAbsent(job("s"));
    Job read = valid(table.get("s").orElseThrow());
    assertTrue(
        table.writeStatusAsOwner(
            "s",
            "exec-1",
            10_000,
            1_000,
            new StatusUpdate(JobStatus.RUNNING, "ticking", 900L, 5, 1, 2, 0.12)));
    assertTrue(
        table.writeStatusAsOwner(
            "s", "exec-1", 10_000, 2_000, new StatusUpdate(null, null, 1900L, 3, 0, 0, null)));
    // the user's optimistic update still holds: status writes did not move the version
    table.replace(read.toBuilder().intervalMs(2000).build());
    Map<String, AttributeValue> item = table.get("s").orElseThrow();
    JobStatusView status = JobStatusView.of(item);
    assertEquals(JobStatus.RUNNING, status.status());
    assertEquals(8, status.ticks());
    assertEquals(1, status.missedTicks());
    assertEquals(2, status.invokeErrors());
    assertEquals(1900, status.lastTickAt());
    assertEquals("exec-1", status.owner());
    assertEquals("2000", item.get("intervalMs").n());
    assertEquals("2", item.get("version").n());
  }

  @Test
  void lease_fences_other_owners_until_it_runs_out() {
    table.putIfAbsent(job("f"));
    StatusUpdate running = StatusUpdate.of(JobStatus.RUNNING, "ticking");
    assertTrue(table.writeStatusAsOwner("f", "a", 5_000, 1_000, running));
    assertFalse(table.writeStatusAsOwner("f", "b", 9_000, 4_999, running), "a holds the lease");
    assertTrue(table.writeStatusAsOwner("f", "a", 9_000, 4_999, running), "a renews");
    assertTrue(table.writeStatusAsOwner("f", "b", 20_000, 9_001, running), "a's lease ran out");
    assertFalse(table.releaseAsOwner("f", "a", 9_002, StatusUpdate.of(JobStatus.STOPPED, "x")));
    assertTrue(
        table.releaseAsOwner(
            "f", "b", 9_003, StatusUpdate.of(JobStatus.STOPPED, "stopped by running = false")));
    JobStatusView view = JobStatusView.of(table.get("f").orElseThrow());
    assertNull(view.owner());
    assertEquals(JobStatus.STOPPED, view.status());
  }

  @Test
  void no_lease_is_taken_or_renewed_on_a_job_enrolled_on_the_shared_hosts() {
    table.putIfAbsent(job("e"));
    StatusUpdate running = StatusUpdate.of(JobStatus.RUNNING, "ticking");
    assertTrue(table.writeStatusAsOwner("e", "a", 5_000, 1_000, running));
    // the lease lapses (a dedicated execution parked in a Wait state) and the job is enrolled
    table
        .client()
        .updateItem(
            r ->
                r.tableName(table.name())
                    .key(Map.of(JobTable.JOB_ID, AttributeValue.fromS("e")))
                    .updateExpression("SET #token = :t")
                    .expressionAttributeNames(Map.of("#token", JobTable.TASK_TOKEN))
                    .expressionAttributeValues(Map.of(":t", AttributeValue.fromS("token-1"))));
    assertFalse(table.writeStatusAsOwner("e", "a", 9_000, 6_000, running), "a may not renew");
    assertFalse(table.writeStatusAsOwner("e", "b", 9_000, 6_000, running), "nor b take it");
  }

  @Test
  void release_adds_the_last_counts() {
    table.putIfAbsent(job("r"));
    table.writeStatusAsOwner(
        "r",
        "a",
        5_000,
        1_000,
        new StatusUpdate(JobStatus.RUNNING, "ticking", 900L, 8, 0, 0, null));
    assertTrue(
        table.releaseAsOwner(
            "r",
            "a",
            2_000,
            new StatusUpdate(JobStatus.PENDING, "shut down", 1_900L, 2, 62, 1, 0.5)));
    JobStatusView view = JobStatusView.of(table.get("r").orElseThrow());
    assertEquals(10, view.ticks());
    assertEquals(62, view.missedTicks());
    assertEquals(1, view.invokeErrors());
    assertEquals(1_900, view.lastTickAt());
    assertNull(view.owner());
  }

  @Test
  void an_owner_or_lease_of_the_wrong_type_counts_as_no_lease() {
    StatusUpdate running = StatusUpdate.of(JobStatus.RUNNING, "ticking");
    table.putIfAbsent(job("owner-n"));
    handEdit("owner-n", OWNER_AS_NUMBER);
    assertTrue(table.writeStatusAsOwner("owner-n", "a", 5_000, 1_000, running));
    assertEquals("a", JobStatusView.of(table.get("owner-n").orElseThrow()).owner());

    table.putIfAbsent(job("lease-s"));
    table.writeStatusAsOwner("lease-s", "a", 5_000, 1_000, running);
    handEdit("lease-s", Map.of(LEASE_UNTIL, AttributeValue.fromS("forever")));
    assertTrue(table.writeStatusUnowned("lease-s", 2_000, StatusUpdate.of(JobStatus.INVALID, "x")));
    assertTrue(table.writeStatusAsOwner("lease-s", "b", 9_000, 2_000, running));
    assertFalse(table.writeStatusAsOwner("lease-s", "a", 9_000, 2_001, running), "b holds it now");
  }

  @Test
  void a_counter_of_the_wrong_type_is_counted_afresh_instead_of_failing_every_write() {
    table.putIfAbsent(job("ticks-s"));
    handEdit(
        "ticks-s",
        Map.of(TICKS, AttributeValue.fromS("many"), MISSED_TICKS, AttributeValue.fromBool(true)));
    assertTrue(
        table.writeStatusAsOwner(
            "ticks-s",
            "a",
            5_000,
            1_000,
            new StatusUpdate(JobStatus.RUNNING, "ticking", 900L, 4, 1, 0, null)));
    assertTrue(
        table.writeStatusAsOwner(
            "ticks-s",
            "a",
            6_000,
            2_000,
            new StatusUpdate(JobStatus.RUNNING, "ticking", 1_900L, 3, 0, 0, null)));
    JobStatusView view = JobStatusView.of(table.get("ticks-s").orElseThrow());
    assertEquals(7, view.ticks());
    assertEquals(1, view.missedTicks());
    assertEquals(JobStatus.RUNNING, view.status());
  }

  private static final Map<String, AttributeValue> OWNER_AS_NUMBER =
      Map.of(OWNER, AttributeValue.fromN("7"), LEASE_UNTIL, AttributeValue.fromN("99999999"));

  /** Sets attributes as a user with the raw client might, whatever their type. */
  private void handEdit(String jobId, Map<String, AttributeValue> values) {
    Map<String, String> names = new java.util.HashMap<>();
    Map<String, AttributeValue> refs = new java.util.HashMap<>();
    List<String> sets = new java.util.ArrayList<>();
    values.forEach(
        (name, value) -> {
          names.put("#n" + names.size(), name);
          refs.put(":v" + refs.size(), value);
          sets.add("#n" + (names.size() - 1) + " = :v" + (refs.size() - 1));
        });
    table
        .client()
        .updateItem(
            r ->
                r.tableName(table.name())
                    .key(Map.of(JOB_ID, AttributeValue.fromS(jobId)))
                    .updateExpression("SET " + String.join(", ", sets))
                    .expressionAttributeNames(names)
                    .expressionAttributeValues(refs));
  }

  @Test
  void status_write_on_a_deleted_item_creates_nothing() {
    assertFalse(
        table.writeStatusAsOwner(
            "gone", "a", 5_000, 1_000, StatusUpdate.of(JobStatus.RUNNING, "x")));
    assertFalse(table.writeStatusUnowned("gone", 1_000, StatusUpdate.of(JobStatus.INVALID, "x")));
    assertTrue(table.get("gone").isEmpty());
  }

  @Test
  void unowned_status_write_does_not_disturb_an_owner() {
    table.putIfAbsent(job("o"));
    table.writeStatusAsOwner("o", "a", 5_000, 1_000, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    assertFalse(table.writeStatusUnowned("o", 2_000, StatusUpdate.of(JobStatus.INVALID, "x")));
    assertTrue(table.writeStatusUnowned("o", 6_000, StatusUpdate.of(JobStatus.INVALID, "bad")));
  }

  @Test
  void a_user_put_wins_over_a_later_status_write() {
    table.putIfAbsent(job("p"));
    table.writeStatusAsOwner("p", "a", 5_000, 1_000, StatusUpdate.of(JobStatus.RUNNING, "ticking"));
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId", AttributeValue.fromS("p"),
            "workerArn", AttributeValue.fromS("log"),
            "intervalMs", AttributeValue.fromN("300"),
            "running", AttributeValue.fromBool(true)));
    table.writeStatusAsOwner(
        "p", "a", 5_000, 1_500, new StatusUpdate(null, null, 1400L, 1, 0, 0, null));
    Map<String, AttributeValue> item = table.get("p").orElseThrow();
    assertEquals("300", item.get("intervalMs").n());
    assertEquals("log", item.get("workerArn").s());
  }

  @Test
  void delete_reports_whether_there_was_a_job() {
    table.putIfAbsent(job("d"));
    assertTrue(table.delete("d"));
    assertFalse(table.delete("d"));
    assertEquals(
        Set.of(), table.scanAll().map(i -> i.get("jobId").s()).collect(Collectors.toSet()));
  }
}
