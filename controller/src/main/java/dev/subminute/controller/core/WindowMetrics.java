package dev.subminute.controller.core;

/** Receives each window's figures once it ended: CloudWatch on Lambda, nothing elsewhere. */
public interface WindowMetrics {
  WindowMetrics NONE = (jobId, result) -> {};

  void windowEnded(String jobId, WindowResult result);
}
