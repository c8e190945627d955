package dev.subminute.model.dynamodb;

import dev.subminute.model.Job;
import dev.subminute.model.JobValidator;
import dev.subminute.model.Misfire;
import dev.subminute.model.Placement;
import dev.subminute.model.ProfileRule;
import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes a {@link Job} as the attributes of its item: the one way from the typed job to the item,
 * as {@link JobValidator} is the one way back. Optional attributes at their default are left out,
 * as a user writing the item would leave them out; {@code version} is the table's to write.
 */
public final class JobAttributes {
  private static final Set<DayOfWeek> EVERY_DAY = Set.of(DayOfWeek.values());

  private JobAttributes() {}

  /**
   * The key and the user attributes of {@code job}.
   *
   * @throws IllegalArgumentException when {@code payloadJson} is not a JSON object
   */
  public static Map<String, AttributeValue> of(Job job) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(JobTable.JOB_ID, AttributeValue.fromS(job.jobId()));
    item.put("workerArn", AttributeValue.fromS(job.workerArn()));
    item.put("intervalMs", number(job.intervalMs()));
    item.put("running", AttributeValue.fromBool(job.running()));
    if (!job.payloadJson().equals(Job.NO_PAYLOAD)) {
      item.put("payload", payload(job));
    }
    if (job.offsetMs() != 0) {
      item.put("offsetMs", number(job.offsetMs()));
    }
    if (job.hasProfile()) {
      item.put(
          "profile",
          AttributeValue.fromL(job.profile().stream().map(JobAttributes::rule).toList()));
    }
    if (!job.timezone().equals(Job.DEFAULT_TIMEZONE)) {
      item.put("timezone", AttributeValue.fromS(job.timezone().getId()));
    }
    if (job.misfire() != Misfire.SKIP) {
      item.put("misfire", AttributeValue.fromS(job.misfire().name()));
    }
    if (job.placement() != Placement.SHARED) {
      item.put("placement", AttributeValue.fromS(job.placement().name()));
    }
    return item;
  }

  private static AttributeValue payload(Job job) {
    AttributeValue payload = jsonValue(job.payloadJson());
    if (payload == null || !payload.hasM()) {
      throw new IllegalArgumentException(
          "payloadJson of job "
              + job.jobId()
              + " must be a JSON object such as {\"url\":\"https://example.com\"}; it is "
              + job.payloadJson());
    }
    return payload;
  }

  /**
   * The attribute value of one JSON text (an object becomes a map, 500 a number), or null when the
   * text is not exactly one JSON value: {@code {"a":1},"b":2} is refused, not cut to its first
   * part.
   */
  public static AttributeValue jsonValue(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      // wrapped, since a document read from a JSON text that is not an object comes out empty
      Map<String, AttributeValue> wrapped =
          EnhancedDocument.fromJson("{\"v\":" + text + "}").toMap();
      return wrapped.size() == 1 ? wrapped.get("v") : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static AttributeValue rule(ProfileRule rule) {
    return AttributeValue.fromM(
        Map.of(
            "days", AttributeValue.fromS(days(rule.days())),
            "from", AttributeValue.fromS(time(rule.fromMinute())),
            "to", AttributeValue.fromS(time(rule.toMinute())),
            "intervalMs", number(rule.intervalMs())));
  }

  /** "DAILY", or runs of days from Monday on, such as "MON-FRI" or "MON,WED-THU,SUN". */
  static String days(Set<DayOfWeek> days) {
    if (days.equals(EVERY_DAY)) {
      return "DAILY";
    }
    List<String> runs = new ArrayList<>();
    DayOfWeek[] week = DayOfWeek.values();
    for (int i = 0; i < week.length; i++) {
      if (!days.contains(week[i])) {
        continue;
      }
      int last = i;
      while (last + 1 < week.length && days.contains(week[last + 1])) {
        last++;
      }
      runs.add(
          last == i
              ? abbreviation(week[i])
              : abbreviation(week[i]) + "-" + abbreviation(week[last]));
      i = last;
    }
    return String.join(",", runs);
  }

  private static String abbreviation(DayOfWeek day) {
    return day.name().substring(0, 3);
  }

  /** "HH:mm" of a minute of the day; the end of the day is "24:00". */
  private static String time(int minuteOfDay) {
    return String.format(Locale.ROOT, "%02d:%02d", minuteOfDay / 60, minuteOfDay % 60);
  }

  private static AttributeValue number(long n) {
    return AttributeValue.fromN(Long.toString(n));
  }
}
