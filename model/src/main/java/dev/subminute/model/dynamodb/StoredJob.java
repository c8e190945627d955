package dev.subminute.model.dynamodb;

import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job's item as stored, however it was read (got, scanned or streamed): what its writer wrote
 * (valid or not, with the reasons), the status the system wrote, the version that guards the next
 * user write, and whether the shared hosts hold the job. The Java API and the controller's core
 * read items as this.
 */
public final class StoredJob {
  private final Map<String, AttributeValue> item;
  private final JobValidation validation;
  private final JobStatusView status;

  private StoredJob(Map<String, AttributeValue> item) {
    this.item = Map.copyOf(item);
    this.validation = JobValidator.validate(item);
    this.status = JobStatusView.of(item);
  }

  public static StoredJob of(Map<String, AttributeValue> item) {
    return new StoredJob(item);
  }

  /** The item's jobId as written; null when it has none that is a string. */
  public String jobId() {
    AttributeValue id = item.get(JobTable.JOB_ID);
    return id == null ? null : id.s();
  }

  /** The optimistic-locking version; 0 when a raw client wrote none. */
  public long version() {
    return JobTable.version(item);
  }

  /** The validated job, or the reasons the item cannot run. */
  public JobValidation validation() {
    return validation;
  }

  public JobStatusView status() {
    return status;
  }

  /** Whether the job is enrolled on the shared hosts: its parked execution's token is on it. */
  public boolean enrolled() {
    return item.containsKey(JobTable.TASK_TOKEN);
  }

  /** One attribute as text, whatever its type; "-" when absent. */
  public String text(String attribute) {
    AttributeValue v = item.get(attribute);
    if (v == null) {
      return "-";
    }
    if (v.s() != null) {
      return v.s();
    }
    if (v.n() != null) {
      return v.n();
    }
    return v.bool() != null ? v.bool().toString() : v.toString();
  }

  /** The whole item, user and status attributes, as stored. */
  public Map<String, AttributeValue> item() {
    return item;
  }

  /** The whole item as JSON. */
  public String json() {
    return EnhancedDocument.fromAttributeValueMap(item).toJson();
  }
}
