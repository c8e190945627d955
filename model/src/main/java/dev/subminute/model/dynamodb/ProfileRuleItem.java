package dev.subminute.model.dynamodb;

import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbImmutable;

/** One rule of a job item's {@code profile} list, as stored. */
@DynamoDbImmutable(builder = ProfileRuleItem.Builder.class)
public final class ProfileRuleItem {
  private final String days;
  private final String from;
  private final String to;
  private final Long intervalMs;

  private ProfileRuleItem(Builder b) {
    days = b.days;
    from = b.from;
    to = b.to;
    intervalMs = b.intervalMs;
  }

  public static ProfileRuleItem of(String days, String from, String to, long intervalMs) {
    return builder().days(days).from(from).to(to).intervalMs(intervalMs).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String getDays() {
    return days;
  }

  public String getFrom() {
    return from;
  }

  public String getTo() {
    return to;
  }

  public Long getIntervalMs() {
    return intervalMs;
  }

  public static final class Builder {
    private String days;
    private String from;
    private String to;
    private Long intervalMs;

    public Builder days(String v) {
      days = v;
      return this;
    }

    public Builder from(String v) {
      from = v;
      return this;
    }

    public Builder to(String v) {
      to = v;
      return this;
    }

    public Builder intervalMs(Long v) {
      intervalMs = v;
      return this;
    }

    public ProfileRuleItem build() {
      return new ProfileRuleItem(this);
    }
  }
}
