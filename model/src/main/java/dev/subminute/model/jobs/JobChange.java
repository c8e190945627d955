package dev.subminute.model.jobs;

import dev.subminute.model.dynamodb.JobTable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * User attributes to set and remove on a job in one write, such as a new interval together with an
 * offset that fits it. Built with {@link #builder()}; the whole job is validated when it is
 * applied.
 */
public final class JobChange {
  private final Map<String, AttributeValue> set;
  private final Set<String> remove;

  private JobChange(Map<String, AttributeValue> set, Set<String> remove) {
    this.set = Map.copyOf(set);
    this.remove = Set.copyOf(remove);
  }

  public static Builder builder() {
    return new Builder();
  }

  Map<String, AttributeValue> set() {
    return set;
  }

  Set<String> remove() {
    return remove;
  }

  /** Collects the attributes; refuses at once the names that are not the user's to write. */
  public static final class Builder {
    private final Map<String, AttributeValue> set = new LinkedHashMap<>();
    private final Set<String> remove = new LinkedHashSet<>();

    private Builder() {}

    public Builder workerArn(String worker) {
      return put("workerArn", AttributeValue.fromS(worker));
    }

    public Builder intervalMs(long ms) {
      return put("intervalMs", AttributeValue.fromN(Long.toString(ms)));
    }

    public Builder running(boolean running) {
      return put("running", AttributeValue.fromBool(running));
    }

    public Builder offsetMs(long ms) {
      return put("offsetMs", AttributeValue.fromN(Long.toString(ms)));
    }

    /** The worker's payload, a JSON object such as {@code {"url":"http://127.0.0.1:8080/"}}. */
    public Builder payloadJson(String json) {
      return put("payload", JsonValues.payload(json));
    }

    /** The interval rules, a JSON list such as {@code [{"days":"MON-FRI","from":"08:00",...}]}. */
    public Builder profileJson(String json) {
      return put("profile", JsonValues.profile(json));
    }

    public Builder timezone(String zone) {
      return put("timezone", AttributeValue.fromS(zone));
    }

    public Builder misfire(String misfire) {
      return put("misfire", AttributeValue.fromS(misfire));
    }

    /**
     * Any user attribute by name: a JSON value keeps its type (500 is a number, true a boolean, an
     * object a map), anything else is a string.
     */
    public Builder attribute(String name, String jsonOrText) {
      return put(name, JsonValues.parse(jsonOrText));
    }

    /** Removes an optional attribute (offsetMs, payload, profile, timezone, misfire, placement). */
    public Builder remove(String name) {
      checkUserAttribute(name);
      set.remove(name);
      remove.add(name);
      return this;
    }

    public JobChange build() {
      if (set.isEmpty() && remove.isEmpty()) {
        throw new JobsException.Invalid("the change is empty; name an attribute to set or remove");
      }
      return new JobChange(set, remove);
    }

    private Builder put(String name, AttributeValue value) {
      checkUserAttribute(name);
      remove.remove(name);
      set.put(name, value);
      return this;
    }

    private static void checkUserAttribute(String name) {
      if (JobTable.JOB_ID.equals(name)
          || JobTable.VERSION.equals(name)
          || JobTable.STATUS_ATTRIBUTES.contains(name)) {
        throw new JobsException.Invalid(
            name
                + " is not yours to set: jobId is the key, version and the status attributes"
                + " belong to the system; set one of "
                + String.join(", ", JobTable.USER_ATTRIBUTES));
      }
      if (!JobTable.USER_ATTRIBUTES.contains(name)) {
        throw new JobsException.Invalid(
            name
                + " is not a job attribute; set one of "
                + String.join(", ", JobTable.USER_ATTRIBUTES));
      }
    }
  }
}
