package dev.subminute.controller.host;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.model.JobStatus;

/**
 * A host's working view of a job's item, made afresh from each scan: what the item says to do, and
 * what the system last wrote on it.
 *
 * @param lastTickAt the last planned instant recorded on the item, 0 if none
 */
public record HostJobView(
    String jobId, JobDecision decision, JobStatus status, String statusReason, long lastTickAt) {}
