package dev.subminute.model;

import java.time.ZoneId;
import java.util.List;

/**
 * A validated job: every attribute of the item in its checked form, and the one typed form of a
 * job. Read from an item only by {@link JobValidator}, built in code through {@link
 * #builder(String, String, long)}, and written as an item by {@code JobAttributes}.
 *
 * @param payloadJson the item's {@code payload} map as JSON, passed to the worker unchanged
 * @param version the item's optimistic-locking version, 0 when a raw client wrote none
 */
public record Job(
    String jobId,
    String workerArn,
    long intervalMs,
    boolean running,
    String payloadJson,
    long offsetMs,
    List<ProfileRule> profile,
    ZoneId timezone,
    Misfire misfire,
    Placement placement,
    long version) {

  public static final long MIN_INTERVAL_MS = 100;
  public static final long MAX_INTERVAL_MS = 86_400_000;

  /** The defaults of the optional attributes, shared by the builder and the validator. */
  public static final String NO_PAYLOAD = "{}";

  public static final ZoneId DEFAULT_TIMEZONE = ZoneId.of("UTC");

  public Job {
    profile = List.copyOf(profile);
  }

  public boolean hasProfile() {
    return !profile.isEmpty();
  }

  public static Builder builder(String jobId, String workerArn, long intervalMs) {
    return new Builder(jobId, workerArn, intervalMs);
  }

  public Builder toBuilder() {
    Builder b = new Builder(jobId, workerArn, intervalMs);
    b.running = running;
    b.payloadJson = payloadJson;
    b.offsetMs = offsetMs;
    b.profile = profile;
    b.timezone = timezone;
    b.misfire = misfire;
    b.placement = placement;
    b.version = version;
    return b;
  }

  /** Builds jobs in code; values are not validated here, items are validated by the validator. */
  public static final class Builder {
    private String jobId;
    private String workerArn;
    private long intervalMs;
    private boolean running = true;
    private String payloadJson = NO_PAYLOAD;
    private long offsetMs;
    private List<ProfileRule> profile = List.of();
    private ZoneId timezone = DEFAULT_TIMEZONE;
    private Misfire misfire = Misfire.SKIP;
    private Placement placement = Placement.SHARED;
    private long version;

    private Builder(String jobId, String workerArn, long intervalMs) {
      this.jobId = jobId;
      this.workerArn = workerArn;
      this.intervalMs = intervalMs;
    }

    public Builder jobId(String v) {
      jobId = v;
      return this;
    }

    public Builder workerArn(String v) {
      workerArn = v;
      return this;
    }

    public Builder intervalMs(long v) {
      intervalMs = v;
      return this;
    }

    public Builder running(boolean v) {
      running = v;
      return this;
    }

    public Builder payloadJson(String v) {
      payloadJson = v;
      return this;
    }

    public Builder offsetMs(long v) {
      offsetMs = v;
      return this;
    }

    public Builder profile(List<ProfileRule> v) {
      profile = v;
      return this;
    }

    public Builder timezone(ZoneId v) {
      timezone = v;
      return this;
    }

    public Builder misfire(Misfire v) {
      misfire = v;
      return this;
    }

    public Builder placement(Placement v) {
      placement = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public Job build() {
      return new Job(
          jobId,
          workerArn,
          intervalMs,
          running,
          payloadJson,
          offsetMs,
          profile,
          timezone,
          misfire,
          placement,
          version);
    }
  }
}
