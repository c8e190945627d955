package dev.subminute.controller.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.subminute.controller.core.JobDecision;
import dev.subminute.model.JobStatus;
import java.util.Optional;

/**
 * Why a shared job ended, as its parked execution is told: {@code STOPPED}, {@code DELETED}, {@code
 * DEDICATED} and {@code SUPERSEDED} end the execution SUCCEEDED with the reason in its output,
 * {@code INVALID} and {@code FAILED} end it FAILED with the reason as its cause.
 *
 * @param outcome a job status, or {@code DELETED} for a deleted item
 */
public record JobEnding(String outcome, String reason) {
  public static final String DELETED = "DELETED";

  /** The job runs on a dedicated controller: this execution never ran it. */
  public static final String DEDICATED = "DEDICATED";

  /** A later execution of the same job enrolled it and runs it: this one ends. */
  public static final String SUPERSEDED = "SUPERSEDED";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The ending a decision means for a parked execution; empty while the job should run. */
  public static Optional<JobEnding> of(JobDecision decision) {
    if (!(decision instanceof JobDecision.Stop stop)) {
      return Optional.empty();
    }
    return Optional.of(
        new JobEnding(stop.status() == null ? DELETED : stop.status().name(), stop.reason()));
  }

  public static JobEnding deleted() {
    return new JobEnding(DELETED, "The item was deleted.");
  }

  public boolean failed() {
    return outcome.equals(JobStatus.INVALID.name()) || outcome.equals(JobStatus.FAILED.name());
  }

  /** The error name a failed execution shows, such as {@code subminute.INVALID}. */
  public String error() {
    return "subminute." + outcome;
  }

  /** The output of a succeeded execution: {@code {"status": ..., "reason": ...}}. */
  public String outputJson() {
    ObjectNode node = JSON.createObjectNode().put("status", outcome).put("reason", reason);
    return node.toString();
  }
}
