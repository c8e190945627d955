package dev.subminute.local.cli;

import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.UserWriteConflictException;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Attribute values from the command line, and optimistic writes that retry on a conflict. */
final class Values {
  static final Set<String> STATUS_ATTRIBUTES =
      Set.of(
          JobTable.STATUS,
          JobTable.STATUS_REASON,
          JobTable.OWNER,
          JobTable.LEASE_UNTIL,
          JobTable.LAST_TICK_AT,
          JobTable.TICKS,
          JobTable.MISSED_TICKS,
          JobTable.DRIFT_P99_MS,
          JobTable.UPDATED_AT);

  private Values() {}

  /** JSON values keep their type (500 is a number, true a boolean); anything else is a string. */
  static AttributeValue parse(String value) {
    try {
      AttributeValue parsed = EnhancedDocument.fromJson("{\"v\":" + value + "}").toMap().get("v");
      if (parsed != null) {
        return parsed;
      }
    } catch (RuntimeException notJson) {
      // a plain string
    }
    return AttributeValue.fromS(value);
  }

  static Map<String, AttributeValue> parseObject(String json, String option) {
    try {
      return EnhancedDocument.fromJson(json).toMap();
    } catch (RuntimeException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(new SubminuteCommand()),
          option
              + " must be a JSON object such as '{\"url\":\"http://127.0.0.1:8080/\"}': "
              + e.getMessage());
    }
  }

  /** pause and resume: {@code running} set, whatever else the item holds. */
  static int setRunning(
      JobTable table, String jobId, boolean running, PrintWriter out, PrintWriter err) {
    return setWithRetry(
        table,
        jobId,
        Map.of("running", AttributeValue.fromBool(running)),
        Set.of(),
        out,
        err,
        (running ? "resumed " : "paused ") + jobId);
  }

  /**
   * Reads the version, writes if nobody wrote since, and tries again a few times if somebody did.
   */
  static int setWithRetry(
      JobTable table,
      String jobId,
      Map<String, AttributeValue> set,
      Set<String> remove,
      PrintWriter out,
      PrintWriter err,
      String done) {
    for (int attempt = 0; attempt < 5; attempt++) {
      Optional<Map<String, AttributeValue>> item = table.get(jobId);
      if (item.isEmpty()) {
        err.println("No job " + jobId + "; create it with `subminute jobs put`.");
        return JobsCommand.NOT_FOUND;
      }
      Map<String, AttributeValue> after = new HashMap<>(item.get());
      after.putAll(set);
      remove.forEach(after::remove);
      if (JobValidator.validate(after) instanceof JobValidation.Invalid invalid) {
        invalid.reasons().forEach(err::println);
        return JobsCommand.BAD_INPUT;
      }
      AttributeValue v = item.get().get(JobTable.VERSION);
      long version = v == null || v.n() == null ? 0 : Long.parseLong(v.n());
      try {
        table.setAttributes(jobId, set, remove, version);
        out.println(done);
        return 0;
      } catch (UserWriteConflictException e) {
        // somebody wrote in between: read again
      }
    }
    err.println("Job " + jobId + " kept changing under five attempts; try again.");
    return JobsCommand.NOT_FOUND;
  }
}
