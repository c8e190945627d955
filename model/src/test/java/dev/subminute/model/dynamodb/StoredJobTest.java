package dev.subminute.model.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.JobStatus;
import dev.subminute.model.JobValidation;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class StoredJobTest {

  @Test
  void a_stored_job_shows_what_the_user_and_the_system_wrote() {
    StoredJob job =
        StoredJob.of(
            Map.of(
                "jobId", AttributeValue.fromS("j"),
                "workerArn", AttributeValue.fromS("log"),
                "intervalMs", AttributeValue.fromN("500"),
                "running", AttributeValue.fromBool(true),
                "version", AttributeValue.fromN("3"),
                "status", AttributeValue.fromS("RUNNING"),
                "taskToken", AttributeValue.fromS("token")));
    assertEquals("j", job.jobId());
    assertEquals(3, job.version());
    assertEquals(
        500, assertInstanceOf(JobValidation.Valid.class, job.validation()).job().intervalMs());
    assertEquals(JobStatus.RUNNING, job.status().status());
    assertTrue(job.enrolled());
    assertEquals("500", job.text("intervalMs"));
    assertEquals("true", job.text("running"));
    assertEquals("-", job.text("offsetMs"));
  }

  @Test
  void an_item_without_a_string_id_or_a_numeric_version_is_still_read() {
    StoredJob job =
        StoredJob.of(
            Map.of("jobId", AttributeValue.fromN("7"), "version", AttributeValue.fromS("x")));
    assertNull(job.jobId());
    assertEquals(0, job.version());
    assertFalse(job.enrolled());
    assertInstanceOf(JobValidation.Invalid.class, job.validation());
  }
}
