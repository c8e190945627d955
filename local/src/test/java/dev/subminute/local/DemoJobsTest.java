package dev.subminute.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.subminute.model.Job;
import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.Placement;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemoJobsTest {
  private final JobTable table = SharedDynalite.newTable("demo");

  @Test
  void the_demo_jobs_are_valid_and_a_restarted_demo_polls_its_own_endpoint() throws Exception {
    String firstUrl;
    try (DemoJobs demo = DemoJobs.startEndpoint()) {
      firstUrl = demo.url();
      assertEquals(List.of("demo-poll", "demo-probe", "demo-log"), demo.insert(table));
    }
    Job poll = read("demo-poll");
    assertEquals("{\"url\":\"" + firstUrl + "\",\"timeoutMs\":1000}", poll.payloadJson());
    assertEquals(2, poll.profile().size());
    assertEquals(Placement.SHARED, poll.placement());
    assertEquals(100, read("demo-probe").intervalMs());
    Job log = read("demo-log");
    assertEquals(2_500, log.offsetMs());
    assertEquals("{\"message\":\"hello from subminute\"}", log.payloadJson());
    try (DemoJobs restarted = DemoJobs.startEndpoint()) {
      assertNotEquals(firstUrl, restarted.url());
      restarted.insert(table);
      assertEquals(
          "{\"url\":\"" + restarted.url() + "\",\"timeoutMs\":1000}",
          read("demo-poll").payloadJson());
    }
  }

  private Job read(String jobId) {
    return assertInstanceOf(
            JobValidation.Valid.class, JobValidator.validate(table.get(jobId).orElseThrow()))
        .job();
  }
}
