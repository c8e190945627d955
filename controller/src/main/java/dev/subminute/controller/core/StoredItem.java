package dev.subminute.controller.core;

import dev.subminute.model.JobValidation;
import dev.subminute.model.dynamodb.JobStatusView;

/**
 * A job's item as stored, in the core's terms: what its user attributes say, the status and lease
 * the system last wrote on it, and whether a shared host holds it.
 *
 * @param jobId the item's jobId as written, null when it has none that is a string
 * @param enrolled whether the job is enrolled on the shared hosts (its execution parked there)
 */
public record StoredItem(
    String jobId, JobValidation validation, JobStatusView status, boolean enrolled) {}
