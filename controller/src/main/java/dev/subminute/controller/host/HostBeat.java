package dev.subminute.controller.host;

/** A host's heartbeat: it is live while {@code seenAt} is within one lease period. */
public record HostBeat(String hostId, long seenAt) {}
