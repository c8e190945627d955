package dev.subminute.model;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns any item, whatever client wrote it and whatever types it holds, into a {@link Job} or a
 * list of reasons. Never throws on bad data.
 */
public final class JobValidator {

  public static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern WORKER =
      Pattern.compile(
          "(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\\d{12}:function:|\\d{12}:function:)?"
              + "[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]{1,128})?");
  private static final Pattern TIME = Pattern.compile("(\\d{2}):(\\d{2})");
  private static final int MAX_RULES = 24;

  private JobValidator() {}

  public static JobValidation validate(Map<String, AttributeValue> item) {
    if (item == null) {
      return new JobValidation.Invalid(null, List.of("The item is missing."));
    }
    List<String> reasons = new ArrayList<>();
    String jobId = jobId(item, reasons);
    String worker = workerArn(item, reasons);
    Long interval = interval(item.get("intervalMs"), "intervalMs", reasons);
    Boolean running = running(item, reasons);
    String payload = payload(item, reasons);
    long offset = offset(item, interval, reasons);
    ZoneId zone = timezone(item, reasons);
    List<ProfileRule> profile = profile(item, reasons);
    Misfire misfire = misfire(item, reasons);
    Placement placement = placement(item, reasons);
    long version = version(item, reasons);
    if (!reasons.isEmpty()) {
      return new JobValidation.Invalid(jobId, reasons);
    }
    return new JobValidation.Valid(
        new Job(
            jobId, worker, interval, running, payload, offset, profile, zone, misfire, placement,
            version));
  }

  private static String jobId(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("jobId");
    if (v == null || v.s() == null) {
      reasons.add("jobId is required as a string (S) of 1 to 64 characters A-Z a-z 0-9 _ -.");
      return null;
    }
    if (!JOB_ID.matcher(v.s()).matches()) {
      reasons.add(
          "jobId \""
              + abbreviate(v.s())
              + "\" must be 1 to 64 characters of A-Z a-z 0-9 _ - only; write a new item under"
              + " such an id.");
      return null;
    }
    return v.s();
  }

  private static String workerArn(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("workerArn");
    if (v == null || v.s() == null) {
      reasons.add(
          "workerArn is required as a string (S): a Lambda function name, partial ARN or ARN"
              + describe(v)
              + ".");
      return null;
    }
    if (!WORKER.matcher(v.s()).matches()) {
      reasons.add(
          "workerArn \""
              + abbreviate(v.s())
              + "\" is not a Lambda function name or ARN; write a name such as \"drift-probe\" or"
              + " \"arn:aws:lambda:us-east-1:123456789012:function:drift-probe\".");
      return null;
    }
    return v.s();
  }

  private static Long interval(AttributeValue v, String name, List<String> reasons) {
    String range =
        " a number (N) of milliseconds from "
            + Job.MIN_INTERVAL_MS
            + " to "
            + Job.MAX_INTERVAL_MS
            + ", such as {\"N\": \"1000\"}";
    if (v == null || v.n() == null) {
      reasons.add(name + " is required as" + range + describe(v) + ".");
      return null;
    }
    Long value = wholeNumber(v.n());
    if (value == null || value < Job.MIN_INTERVAL_MS || value > Job.MAX_INTERVAL_MS) {
      reasons.add(name + " " + v.n() + " is out of range; write" + range + ".");
      return null;
    }
    return value;
  }

  private static Boolean running(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("running");
    if (v == null || v.bool() == null) {
      reasons.add(
          "running is required as a boolean (BOOL): {\"BOOL\": true} to run the timer, false to"
              + " stop it"
              + describe(v)
              + ".");
      return null;
    }
    return v.bool();
  }

  private static String payload(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("payload");
    if (v == null) {
      return Job.NO_PAYLOAD;
    }
    if (!v.hasM()) {
      reasons.add(
          "payload must be a map (M) passed to the worker unchanged, such as {\"M\": {\"url\":"
              + " {\"S\": \"https://example.com\"}}}"
              + describe(v)
              + ".");
      return null;
    }
    try {
      return EnhancedDocument.fromAttributeValueMap(v.m()).toJson();
    } catch (RuntimeException e) {
      reasons.add(
          "payload cannot be turned into the worker's JSON event ("
              + e.getMessage()
              + "); keep to strings, numbers, booleans, lists and maps.");
      return null;
    }
  }

  private static long offset(
      Map<String, AttributeValue> item, Long interval, List<String> reasons) {
    AttributeValue v = item.get("offsetMs");
    if (v == null) {
      return 0;
    }
    Long value = v.n() == null ? null : wholeNumber(v.n());
    long bound = interval == null ? Job.MAX_INTERVAL_MS : interval;
    if (value == null || value < 0 || value >= bound) {
      reasons.add(
          "offsetMs must be a number (N) of milliseconds with 0 <= offsetMs < intervalMs ("
              + bound
              + "), or left out for 0"
              + describe(v)
              + ".");
      return 0;
    }
    return value;
  }

  private static ZoneId timezone(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("timezone");
    if (v == null) {
      return Job.DEFAULT_TIMEZONE;
    }
    if (v.s() != null) {
      try {
        return ZoneId.of(v.s());
      } catch (DateTimeException e) {
        // reported below
      }
    }
    reasons.add(
        "timezone must be an IANA zone name as a string (S), such as \"Europe/Berlin\" or"
            + " \"UTC\""
            + describe(v)
            + ".");
    return null;
  }

  private static Misfire misfire(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("misfire");
    if (v == null) {
      return Misfire.SKIP;
    }
    if (v.s() != null) {
      for (Misfire m : Misfire.values()) {
        if (m.name().equals(v.s())) {
          return m;
        }
      }
    }
    reasons.add(
        "misfire must be the string \"SKIP\" or \"FIRE_ONCE\", or left out for SKIP"
            + describe(v)
            + ".");
    return null;
  }

  private static Placement placement(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("placement");
    if (v == null) {
      return Placement.SHARED;
    }
    if (v.s() != null) {
      for (Placement p : Placement.values()) {
        if (p.name().equals(v.s())) {
          return p;
        }
      }
    }
    reasons.add(
        "placement must be the string \"SHARED\" or \"DEDICATED\", or left out for SHARED"
            + describe(v)
            + ".");
    return null;
  }

  private static long version(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("version");
    if (v == null) {
      return 0;
    }
    Long value = v.n() == null ? null : wholeNumber(v.n());
    if (value == null || value < 0) {
      reasons.add(
          "version is the system's optimistic-locking counter: a whole number (N); remove it or"
              + " leave it as it was"
              + describe(v)
              + ".");
      return 0;
    }
    return value;
  }

  private static List<ProfileRule> profile(Map<String, AttributeValue> item, List<String> reasons) {
    AttributeValue v = item.get("profile");
    if (v == null) {
      return List.of();
    }
    if (!v.hasL()) {
      reasons.add(
          "profile must be a list (L) of rules like {\"M\": {\"days\": {\"S\": \"MON-FRI\"},"
              + " \"from\": {\"S\": \"08:00\"}, \"to\": {\"S\": \"20:00\"}, \"intervalMs\": {\"N\":"
              + " \"1000\"}}}"
              + describe(v)
              + ".");
      return List.of();
    }
    if (v.l().size() > MAX_RULES) {
      reasons.add("profile has " + v.l().size() + " rules; keep it to " + MAX_RULES + " or fewer.");
      return List.of();
    }
    List<ProfileRule> rules = new ArrayList<>();
    for (int i = 0; i < v.l().size(); i++) {
      ProfileRule rule = rule(v.l().get(i), "profile[" + i + "]", reasons);
      if (rule != null) {
        rules.add(rule);
      }
    }
    return rules;
  }

  private static ProfileRule rule(AttributeValue v, String name, List<String> reasons) {
    if (!v.hasM()) {
      reasons.add(
          name + " must be a map (M) with days, from, to and intervalMs" + describe(v) + ".");
      return null;
    }
    Map<String, AttributeValue> m = v.m();
    int before = reasons.size();
    Set<DayOfWeek> days = days(m.get("days"), name, reasons);
    Integer from = minuteOfDay(m.get("from"), name + ".from", false, reasons);
    Integer to = minuteOfDay(m.get("to"), name + ".to", true, reasons);
    Long interval = interval(m.get("intervalMs"), name + ".intervalMs", reasons);
    if (from != null && to != null && from.equals(to)) {
      reasons.add(
          name
              + " starts and ends at the same time; for a whole day write from \"00:00\" to"
              + " \"24:00\".");
    }
    if (reasons.size() > before) {
      return null;
    }
    return new ProfileRule(days, from, to, interval);
  }

  private static Set<DayOfWeek> days(AttributeValue v, String name, List<String> reasons) {
    if (v == null) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    String hint =
        name
            + ".days must be a string (S) of days or ranges such as \"MON-FRI\", \"SAT,SUN\" or"
            + " \"DAILY\"";
    if (v.s() == null || v.s().isBlank()) {
      reasons.add(hint + describe(v) + ".");
      return null;
    }
    String text = v.s().trim().toUpperCase(Locale.ROOT);
    if (text.equals("DAILY") || text.equals("*")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String part : text.split(",")) {
      String[] ends = part.trim().split("-", -1);
      DayOfWeek first = day(ends[0]);
      DayOfWeek last = ends.length == 2 ? day(ends[1]) : first;
      if (ends.length > 2 || first == null || last == null) {
        reasons.add(hint + "; \"" + abbreviate(part.trim()) + "\" is not one.");
        return null;
      }
      for (DayOfWeek d = first; ; d = d.plus(1)) {
        days.add(d);
        if (d == last) {
          break;
        }
      }
    }
    return days;
  }

  private static DayOfWeek day(String token) {
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().startsWith(token.trim()) && token.trim().length() == 3) {
        return d;
      }
    }
    return null;
  }

  private static Integer minuteOfDay(
      AttributeValue v, String name, boolean allowEndOfDay, List<String> reasons) {
    Matcher m = v == null || v.s() == null ? null : TIME.matcher(v.s());
    if (m != null && m.matches()) {
      int hours = Integer.parseInt(m.group(1));
      int minutes = Integer.parseInt(m.group(2));
      if (hours < 24 && minutes < 60) {
        return hours * 60 + minutes;
      }
      if (allowEndOfDay && hours == 24 && minutes == 0) {
        return ProfileRule.MINUTES_PER_DAY;
      }
    }
    reasons.add(
        name
            + " must be a local time as a string (S) \"HH:mm\" from \"00:00\" to "
            + (allowEndOfDay ? "\"24:00\"" : "\"23:59\"")
            + describe(v)
            + ".");
    return null;
  }

  private static Long wholeNumber(String n) {
    try {
      return Long.parseLong(n.trim());
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(n.trim());
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
      } catch (NumberFormatException e2) {
        return null;
      }
    }
  }

  /** ", it is a string (S) "abc"": what the item holds instead, for the reason's sentence. */
  static String describe(AttributeValue v) {
    if (v == null) {
      return "; it is missing";
    }
    return switch (v.type()) {
      case S -> "; it is a string (S) \"" + abbreviate(v.s()) + "\"";
      case N -> "; it is a number (N) " + abbreviate(v.n());
      case BOOL -> "; it is a boolean (BOOL) " + v.bool();
      case NUL -> "; it is NULL";
      case M -> "; it is a map (M)";
      case L -> "; it is a list (L)";
      case B -> "; it is binary (B)";
      case SS -> "; it is a string set (SS)";
      case NS -> "; it is a number set (NS)";
      case BS -> "; it is a binary set (BS)";
      default -> "; it has an unknown type";
    };
  }

  private static String abbreviate(String s) {
    String printable = s.replaceAll("\\p{Cntrl}", "?");
    return printable.length() <= 80 ? printable : printable.substring(0, 77) + "...";
  }
}
