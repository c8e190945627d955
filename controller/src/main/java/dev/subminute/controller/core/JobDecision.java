package dev.subminute.controller.core;

import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.JobValidation;
import dev.subminute.model.dynamodb.StoredJob;
import java.util.Optional;

/** What the item as stored says a controller should do: run a job, or stop and why. */
public sealed interface JobDecision {

  record Run(Job job) implements JobDecision {}

  /**
   * @param status the status to write, or null when there is no item to write it on
   */
  record Stop(JobStatus status, String reason) implements JobDecision {}

  static JobDecision of(Optional<StoredJob> item, WorkerPolicy policy) {
    if (item.isEmpty()) {
      return new Stop(null, "the item was deleted");
    }
    JobValidation validation = item.get().validation();
    if (validation instanceof JobValidation.Invalid invalid) {
      return new Stop(JobStatus.INVALID, invalid.summary());
    }
    Job job = ((JobValidation.Valid) validation).job();
    Optional<String> rejection = policy.rejection(job.workerArn());
    if (rejection.isPresent()) {
      return new Stop(JobStatus.INVALID, rejection.get());
    }
    if (!job.running()) {
      return new Stop(
          JobStatus.STOPPED, "Stopped because running is false; set it to true to start again.");
    }
    return new Run(job);
  }
}
