package dev.subminute.controller.host;

import dev.subminute.controller.core.JobDecision;
import dev.subminute.model.JobStatus;

/**
 * A job's item as a host needs it: what it says to do, and what the system last wrote on it.
 *
 * @param lastTickAt the last planned instant recorded on the item, 0 if none
 */
public record StoredJob(
    String jobId, JobDecision decision, JobStatus status, String statusReason, long lastTickAt) {}
