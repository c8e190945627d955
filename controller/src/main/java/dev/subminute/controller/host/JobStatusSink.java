package dev.subminute.controller.host;

/** Writes a host's status changes on job items. */
public interface JobStatusSink {

  /**
   * Writes one change; false when its condition failed (the item is gone, or {@code running} no
   * longer has the value the change was made for). Throws when storage cannot be reached.
   */
  boolean write(String jobId, StatusChange change, long nowMs);
}
