package dev.subminute.model.jobs;

/**
 * Why a {@link SubminuteJobs} call did not do what was asked, in one sentence that says what to do
 * instead. The subclasses tell the kinds apart (a command maps them to exit codes).
 */
public abstract sealed class JobsException extends RuntimeException {

  private JobsException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The input breaks a rule of the job item; nothing was written. */
  public static final class Invalid extends JobsException {
    Invalid(String message) {
      super(message, null);
    }
  }

  /** No job under that id. */
  public static final class NotFound extends JobsException {
    NotFound(String message) {
      super(message, null);
    }
  }

  /** A job under that id exists already. */
  public static final class Exists extends JobsException {
    Exists(String message) {
      super(message, null);
    }
  }

  /** Somebody else wrote the job since it was read (its {@code version} moved on). */
  public static final class Conflict extends JobsException {
    Conflict(String message) {
      super(message, null);
    }
  }

  /** The table cannot be reached, or does not exist. */
  public static final class Unreachable extends JobsException {
    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
