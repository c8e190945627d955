package dev.subminute.model.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.JobValidation;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import dev.subminute.model.testing.SharedDynalite;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The Java API for jobs against dynalite. */
class SubminuteJobsTest {
  private final JobTable table = SharedDynalite.newTable("api");
  private final SubminuteJobs jobs =
      new SubminuteJobs(table, SubminuteJobs.EMBEDDED_WORKERS, "table " + table.name());

  @Test
  void put_get_change_pause_resume_delete() {
    jobs.put(
        JobSpec.builder("probe-1", "drift-probe", 250)
            .offsetMs(50)
            .payloadJson("{\"url\":\"http://127.0.0.1:1/\"}")
            .profileJson(
                "[{\"days\":\"SAT,SUN\",\"from\":\"00:00\",\"to\":\"24:00\",\"intervalMs\":1000}]")
            .timezone("Europe/Berlin")
            .build());

    Job job = valid("probe-1");
    assertEquals(250, job.intervalMs());
    assertEquals(50, job.offsetMs());
    assertEquals("{\"url\":\"http://127.0.0.1:1/\"}", job.payloadJson());
    assertEquals(1, job.profile().size());
    assertEquals(1, job.version());

    assertEquals(2, jobs.setInterval("probe-1", 1_000));
    assertEquals(3, jobs.pause("probe-1"));
    assertFalse(valid("probe-1").running());
    assertEquals(4, jobs.resume("probe-1"));
    assertTrue(valid("probe-1").running());
    jobs.setPayload("probe-1", "{\"n\":2}");
    jobs.setProfile("probe-1", "[]");
    jobs.update("probe-1", JobChange.builder().remove("offsetMs").build());
    job = valid("probe-1");
    assertEquals(1_000, job.intervalMs());
    assertEquals(0, job.offsetMs());
    assertEquals("{\"n\":2}", job.payloadJson());
    assertFalse(job.hasProfile());
    assertEquals(7, job.version());

    jobs.delete("probe-1");
    assertTrue(jobs.get("probe-1").isEmpty());
    assertThrows(JobsException.NotFound.class, () -> jobs.delete("probe-1"));
    assertThrows(JobsException.NotFound.class, () -> jobs.pause("probe-1"));
  }

  @Test
  void a_second_put_under_the_same_id_is_refused() {
    jobs.put(JobSpec.builder("twice", "log", 1_000).build());
    JobsException e =
        assertThrows(
            JobsException.Exists.class,
            () -> jobs.put(JobSpec.builder("twice", "log", 2_000).build()));
    assertEquals(
        "job twice exists already; change it (jobs set) or delete it first", e.getMessage());
    assertEquals(1_000, valid("twice").intervalMs());
  }

  @Test
  void invalid_jobs_and_changes_are_refused_with_the_validators_reasons_and_nothing_is_written() {
    assertInvalid(
        "intervalMs 5 is out of range; write a number (N) of milliseconds from 100 to 86400000,"
            + " such as {\"N\": \"1000\"}.",
        () -> jobs.put(JobSpec.builder("bad", "log", 5).build()));
    assertInvalid(
        "workerArn \"nope\" is not a worker of the embedded runtime; use one of http-poll,"
            + " drift-probe, log (with --aws, any Lambda function name or ARN)",
        () -> jobs.put(JobSpec.builder("bad", "nope", 1_000).build()));
    assertInvalid(
        "payload must be a JSON object such as '{\"url\":\"http://127.0.0.1:8080/\"}'; it is a"
            + " list",
        () -> JobSpec.builder("bad", "log", 1_000).payloadJson("[1,2]"));
    assertInvalid(
        "payload must be a JSON object such as '{\"url\":\"http://127.0.0.1:8080/\"}'; it is not"
            + " JSON",
        () -> JobSpec.builder("bad", "log", 1_000).payloadJson("{\"url\":\"x\"},\"retries\":3"));
    assertInvalid(
        "profile must be a JSON list of rules such as"
            + " '[{\"days\":\"MON-FRI\",\"from\":\"08:00\",\"to\":\"20:00\",\"intervalMs\":1000}]';"
            + " it is not JSON",
        () -> JobSpec.builder("bad", "log", 1_000).profileJson("not json"));
    assertTrue(jobs.get("bad").isEmpty());

    jobs.put(JobSpec.builder("good", "log", 1_000).offsetMs(500).build());
    assertInvalid(
        "offsetMs must be a number (N) of milliseconds with 0 <= offsetMs < intervalMs (200), or"
            + " left out for 0; it is a number (N) 500.",
        () -> jobs.setInterval("good", 200));
    assertInvalid(
        "invokeErrors is not yours to set: jobId is the key, version and the status attributes"
            + " belong to the system; set one of workerArn, intervalMs, running, payload,"
            + " offsetMs, profile, timezone, misfire, placement",
        () -> JobChange.builder().attribute("invokeErrors", "999"));
    assertInvalid(
        "color is not a job attribute; set one of workerArn, intervalMs, running, payload,"
            + " offsetMs, profile, timezone, misfire, placement",
        () -> JobChange.builder().attribute("color", "red"));
    assertEquals(1_000, valid("good").intervalMs());
    assertEquals(1, valid("good").version());
  }

  @Test
  void a_worker_named_by_its_arn_is_known_on_the_embedded_runtime_and_any_worker_on_aws() {
    jobs.put(
        JobSpec.builder("by-arn", "arn:aws:lambda:us-east-1:123456789012:function:log", 1_000)
            .build());
    SubminuteJobs anyWorker = new SubminuteJobs(table, List.of(), "table on AWS");
    anyWorker.put(JobSpec.builder("lambda", "my-function", 1_000).build());
    assertEquals("my-function", valid("lambda").workerArn());
  }

  @Test
  void a_change_on_a_stale_version_is_refused_and_the_retrying_update_reads_again() {
    jobs.put(JobSpec.builder("locked", "log", 1_000).build());
    long version = jobs.get("locked").orElseThrow().version();
    jobs.setInterval("locked", 2_000);
    JobsException e =
        assertThrows(
            JobsException.Conflict.class,
            () -> jobs.update("locked", JobChange.builder().intervalMs(3_000).build(), version));
    assertEquals(
        "job locked changed since version 1 was read; read it again and reapply the change",
        e.getMessage());
    assertEquals(2_000, valid("locked").intervalMs());
    assertEquals(3, jobs.update("locked", JobChange.builder().intervalMs(3_000).build(), 2));
  }

  @Test
  void status_writes_do_not_move_the_version_and_status_reads_them() {
    jobs.put(JobSpec.builder("watched", "log", 1_000).build());
    table.writeStatusUnowned(
        "watched", 1_000, new StatusUpdate(JobStatus.RUNNING, "ticking", 900L, 3, 0, 0, 0.1));
    assertEquals(JobStatus.RUNNING, jobs.status("watched").status());
    assertEquals(3, jobs.status("watched").ticks());
    assertEquals(2, jobs.pause("watched"));
  }

  @Test
  void list_pages_through_every_job_and_refuses_a_limit_below_one() {
    for (int i = 0; i < 7; i++) {
      jobs.put(JobSpec.builder("listed-" + i, "log", 1_000).build());
    }
    List<String> seen = new ArrayList<>();
    String next = null;
    do {
      SubminuteJobs.Page page = jobs.list(3, next);
      assertTrue(page.jobs().size() <= 3);
      page.jobs().forEach(j -> seen.add(j.jobId()));
      next = page.nextJobId();
    } while (next != null);
    assertEquals(7, Set.copyOf(seen).size());
    assertEquals(7, seen.size());
    assertInvalid("limit 0 must be 1 or more", () -> jobs.list(0, null));
  }

  @Test
  void a_bad_id_an_unreachable_endpoint_and_a_missing_table_are_one_sentence_each() {
    assertInvalid("job id \"\" must be 1 to 64 characters of A-Z a-z 0-9 _ -", () -> jobs.get(""));
    IllegalArgumentException notUrl =
        assertThrows(
            IllegalArgumentException.class, () -> SubminuteJobs.local(URI.create("notaurl")));
    assertEquals(
        "endpoint notaurl is not an http(s) URL; write one such as http://127.0.0.1:4567",
        notUrl.getMessage());

    SubminuteJobs nowhere = SubminuteJobs.local(URI.create("http://127.0.0.1:1"), "t");
    JobsException unreachable =
        assertThrows(JobsException.Unreachable.class, () -> nowhere.get("x"));
    assertTrue(
        unreachable
            .getMessage()
            .startsWith("cannot reach DynamoDB for table t at http://127.0.0.1:1 ("),
        unreachable.getMessage());

    SubminuteJobs noTable =
        new SubminuteJobs(
            new JobTable(DynamoClients.local(SharedDynalite.server().endpoint()), "no-such"),
            List.of(),
            "table no-such");
    assertEquals(
        "there is no table no-such; start `subminute local` or name another table",
        assertThrows(JobsException.Unreachable.class, () -> noTable.get("x")).getMessage());
  }

  @Test
  void an_item_written_by_another_client_is_read_with_its_reasons() {
    SharedDynalite.putRaw(
        table,
        Map.of(
            "jobId", AttributeValue.fromS("raw"),
            "intervalMs", AttributeValue.fromS("fast")));
    StoredJob raw = jobs.get("raw").orElseThrow();
    assertInstanceOf(JobValidation.Invalid.class, raw.validation());
    assertEquals("fast", raw.text("intervalMs"));
    assertEquals("-", raw.text("workerArn"));
    assertEquals(0, raw.version());
    jobs.update(
        "raw", JobChange.builder().workerArn("log").intervalMs(1_000).running(false).build());
    assertEquals(1, valid("raw").version());
  }

  @Test
  void the_readme_snippet_runs_as_written() {
    SubminuteJobs jobs = SubminuteJobs.local(SharedDynalite.server().endpoint(), table.name());
    // from here on as in the README
    jobs.put(JobSpec.builder("probe-1", "drift-probe", 250).build());
    jobs.put(
        JobSpec.builder("poll-1", "http-poll", 1_000)
            .payloadJson("{\"url\":\"http://127.0.0.1:8080/health\"}")
            .profileJson(
                "[{\"days\":\"SAT,SUN\",\"from\":\"00:00\",\"to\":\"24:00\",\"intervalMs\":5000}]")
            .timezone("Europe/Berlin")
            .build());
    jobs.setInterval("probe-1", 500);
    jobs.update("poll-1", JobChange.builder().intervalMs(2_000).offsetMs(500).build());
    long ticks = jobs.status("probe-1").ticks();
    jobs.pause("probe-1");
    jobs.resume("probe-1");
    jobs.delete("probe-1");
    // to here
    assertEquals(0, ticks);
    assertTrue(jobs.get("probe-1").isEmpty());
    Job poll = valid("poll-1");
    assertEquals(2_000, poll.intervalMs());
    assertEquals(500, poll.offsetMs());
    assertEquals(java.time.ZoneId.of("Europe/Berlin"), poll.timezone());
  }

  private Job valid(String jobId) {
    return ((JobValidation.Valid) jobs.get(jobId).orElseThrow().validation()).job();
  }

  private static void assertInvalid(String message, Runnable call) {
    JobsException e = assertThrows(JobsException.Invalid.class, call::run);
    assertEquals(message, e.getMessage());
  }
}
