package dev.subminute.controller.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobEndingTest {

  @Test
  void a_job_that_should_run_has_no_ending() {
    assertEquals(
        Optional.empty(), JobEnding.of(new JobDecision.Run(Job.builder("a", "w", 1000).build())));
  }

  @Test
  void a_stopped_job_ends_its_execution_succeeded_with_the_reason_as_output() {
    JobEnding ending =
        JobEnding.of(new JobDecision.Stop(JobStatus.STOPPED, "Stopped because running is false."))
            .orElseThrow();
    assertFalse(ending.failed());
    assertEquals(
        "{\"status\":\"STOPPED\",\"reason\":\"Stopped because running is false.\"}",
        ending.outputJson());
  }

  @Test
  void an_invalid_job_ends_its_execution_failed_with_the_reason_as_cause() {
    JobEnding ending =
        JobEnding.of(new JobDecision.Stop(JobStatus.INVALID, "intervalMs 50 is out of range."))
            .orElseThrow();
    assertTrue(ending.failed());
    assertEquals("subminute.INVALID", ending.error());
    assertEquals("intervalMs 50 is out of range.", ending.reason());
  }

  @Test
  void a_deleted_item_ends_succeeded_as_deleted() {
    JobEnding ending =
        JobEnding.of(new JobDecision.Stop(null, "the item was deleted")).orElseThrow();
    assertEquals(JobEnding.DELETED, ending.outcome());
    assertFalse(ending.failed());
  }
}
