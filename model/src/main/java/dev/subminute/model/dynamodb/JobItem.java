package dev.subminute.model.dynamodb;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.extensions.annotations.DynamoDbVersionAttribute;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbConvertedBy;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbImmutable;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The attributes a user writes on a job item, mapped with the enhanced client. Status attributes
 * are deliberately not part of this schema: a user write through it never touches them, and a
 * status write never touches these. {@code version} is the optimistic lock on user writes.
 */
@DynamoDbImmutable(builder = JobItem.Builder.class)
public final class JobItem {
  private final String jobId;
  private final String workerArn;
  private final Long intervalMs;
  private final Boolean running;
  private final Map<String, AttributeValue> payload;
  private final Long offsetMs;
  private final List<ProfileRuleItem> profile;
  private final String timezone;
  private final String misfire;
  private final Long version;

  private JobItem(Builder b) {
    jobId = b.jobId;
    workerArn = b.workerArn;
    intervalMs = b.intervalMs;
    running = b.running;
    payload = b.payload;
    offsetMs = b.offsetMs;
    profile = b.profile;
    timezone = b.timezone;
    misfire = b.misfire;
    version = b.version;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .jobId(jobId)
        .workerArn(workerArn)
        .intervalMs(intervalMs)
        .running(running)
        .payload(payload)
        .offsetMs(offsetMs)
        .profile(profile)
        .timezone(timezone)
        .misfire(misfire)
        .version(version);
  }

  @DynamoDbPartitionKey
  public String getJobId() {
    return jobId;
  }

  public String getWorkerArn() {
    return workerArn;
  }

  public Long getIntervalMs() {
    return intervalMs;
  }

  public Boolean getRunning() {
    return running;
  }

  @DynamoDbConvertedBy(PayloadConverter.class)
  public Map<String, AttributeValue> getPayload() {
    return payload;
  }

  public Long getOffsetMs() {
    return offsetMs;
  }

  public List<ProfileRuleItem> getProfile() {
    return profile;
  }

  public String getTimezone() {
    return timezone;
  }

  public String getMisfire() {
    return misfire;
  }

  @DynamoDbVersionAttribute
  public Long getVersion() {
    return version;
  }

  @Override
  public String toString() {
    return "JobItem["
        + jobId
        + ", "
        + workerArn
        + ", "
        + intervalMs
        + " ms, running="
        + running
        + "]";
  }

  public static final class Builder {
    private String jobId;
    private String workerArn;
    private Long intervalMs;
    private Boolean running;
    private Map<String, AttributeValue> payload;
    private Long offsetMs;
    private List<ProfileRuleItem> profile;
    private String timezone;
    private String misfire;
    private Long version;

    public Builder jobId(String v) {
      jobId = v;
      return this;
    }

    public Builder workerArn(String v) {
      workerArn = v;
      return this;
    }

    public Builder intervalMs(Long v) {
      intervalMs = v;
      return this;
    }

    public Builder running(Boolean v) {
      running = v;
      return this;
    }

    public Builder payload(Map<String, AttributeValue> v) {
      payload = v;
      return this;
    }

    public Builder offsetMs(Long v) {
      offsetMs = v;
      return this;
    }

    public Builder profile(List<ProfileRuleItem> v) {
      profile = v;
      return this;
    }

    public Builder timezone(String v) {
      timezone = v;
      return this;
    }

    public Builder misfire(String v) {
      misfire = v;
      return this;
    }

    public Builder version(Long v) {
      version = v;
      return this;
    }

    public JobItem build() {
      return new JobItem(this);
    }
  }
}
