package dev.subminute.controller.core;

/** Storage could not be reached, or refused a request: the caller keeps what it last knew. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
