package dev.subminute.model;

import java.util.List;

/** The outcome of validating an item: a job, or the reasons it cannot run. */
public sealed interface JobValidation {

  /** The item's jobId when it has a usable one, else null. */
  String jobId();

  record Valid(Job job) implements JobValidation {
    @Override
    public String jobId() {
      return job.jobId();
    }
  }

  /**
   * @param reasons one sentence each, naming the attribute and what to write instead
   */
  record Invalid(String jobId, List<String> reasons) implements JobValidation {
    public Invalid {
      reasons = List.copyOf(reasons);
    }

    /** All reasons in one status line. */
    public String summary() {
      return String.join(" ", reasons);
    }
  }
}
