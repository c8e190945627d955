package dev.subminute.model.jobs;

import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A job as stored: what its writer wrote (valid or not, with the reasons), the status the system
 * wrote, and the version that guards the next change.
 */
public final class StoredJob {
  private final Map<String, AttributeValue> item;
  private final JobValidation validation;
  private final JobStatusView status;

  StoredJob(Map<String, AttributeValue> item) {
    this.item = Map.copyOf(item);
    this.validation = JobValidator.validate(item);
    this.status = JobStatusView.of(item);
  }

  public String jobId() {
    return item.get(JobTable.JOB_ID).s();
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

  Map<String, AttributeValue> item() {
    return item;
  }

  /** The whole item, user and status attributes, as JSON. */
  public String json() {
    return EnhancedDocument.fromAttributeValueMap(item).toJson();
  }
}
