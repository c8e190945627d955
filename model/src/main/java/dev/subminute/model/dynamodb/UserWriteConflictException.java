package dev.subminute.model.dynamodb;

/** A user write lost an optimistic-locking race: the item changed since it was read. */
public class UserWriteConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserWriteConflictException(String jobId, long expectedVersion) {
    super(
        "job "
            + jobId
            + " changed since version "
            + expectedVersion
            + " was read; read it again and reapply the change");
  }
}
