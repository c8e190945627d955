package dev.subminute.model.dynamodb;

import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.subminute.model.Job;
import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.Misfire;
import dev.subminute.model.Placement;
import dev.subminute.model.ProfileRule;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The codec and the validator are inverses: a job written as an item reads back as itself. */
class JobAttributesTest {
  private static final String ID_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
  private static final List<String> WORKERS =
      List.of(
          "log",
          "drift-probe",
          "http-poll:live",
          "123456789012:function:poll",
          "arn:aws:lambda:eu-central-1:123456789012:function:poll-worker:$LATEST",
          "arn:aws-cn:lambda:cn-north-1:123456789012:function:w_1");
  private static final List<ZoneId> ZONES =
      new TreeSet<>(ZoneId.getAvailableZoneIds()).stream().map(ZoneId::of).toList();

  @Test
  void every_job_reads_back_from_its_attributes_as_itself_version_aside() {
    Random random = new Random(14);
    for (int i = 0; i < 2_000; i++) {
      Job job = randomJob(random);
      JobValidation read = JobValidator.validate(JobAttributes.of(job));
      assertEquals(new JobValidation.Valid(job.toBuilder().version(0).build()), read, "job " + i);
    }
  }

  @Test
  void optional_attributes_at_their_default_are_left_out() {
    assertEquals(
        Set.of("jobId", "workerArn", "intervalMs", "running"),
        JobAttributes.of(Job.builder("j", "log", 1000).version(7).build()).keySet());
  }

  @Test
  void days_are_written_as_runs_from_monday_on() {
    assertEquals("DAILY", JobAttributes.days(EnumSet.allOf(DayOfWeek.class)));
    assertEquals("MON-FRI", JobAttributes.days(EnumSet.range(MONDAY, FRIDAY)));
    assertEquals("SAT-SUN", JobAttributes.days(EnumSet.of(SATURDAY, SUNDAY)));
    assertEquals(
        "MON,WED-THU,SUN", JobAttributes.days(EnumSet.of(MONDAY, WEDNESDAY, THURSDAY, SUNDAY)));
  }

  @Test
  void a_payload_that_is_not_a_json_object_is_refused_with_what_to_write() {
    for (String notAnObject :
        List.of("[1, 2]", "3", "nope", "{\"a\":", "{\"a\":1},\"b\":2", "{\"a\":1}, 7")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  JobAttributes.of(Job.builder("p", "log", 1000).payloadJson(notAnObject).build()));
      assertEquals(
          "payloadJson of job p must be a JSON object such as {\"url\":\"https://example.com\"};"
              + " it is "
              + notAnObject,
          e.getMessage());
    }
  }

  private static Job randomJob(Random random) {
    long interval = between(random, Job.MIN_INTERVAL_MS, Job.MAX_INTERVAL_MS);
    List<ProfileRule> profile = new ArrayList<>();
    int rules = random.nextInt(4) == 0 ? random.nextInt(25) : 0;
    for (int r = 0; r < rules; r++) {
      profile.add(randomRule(random));
    }
    return Job.builder(randomId(random), WORKERS.get(random.nextInt(WORKERS.size())), interval)
        .running(random.nextBoolean())
        .payloadJson(random.nextBoolean() ? Job.NO_PAYLOAD : randomPayloadJson(random))
        .offsetMs(random.nextBoolean() ? 0 : between(random, 0, interval - 1))
        .profile(profile)
        .timezone(random.nextBoolean() ? Job.DEFAULT_TIMEZONE : pick(random, ZONES))
        .misfire(pick(random, List.of(Misfire.values())))
        .placement(pick(random, List.of(Placement.values())))
        .version(random.nextInt(100))
        .build();
  }

  private static ProfileRule randomRule(Random random) {
    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    while (days.isEmpty()) {
      for (DayOfWeek day : DayOfWeek.values()) {
        if (random.nextBoolean()) {
          days.add(day);
        }
      }
    }
    int from = random.nextInt(ProfileRule.MINUTES_PER_DAY);
    int to = from;
    while (to == from) {
      to = 1 + random.nextInt(ProfileRule.MINUTES_PER_DAY);
    }
    return new ProfileRule(
        days, from, to, between(random, Job.MIN_INTERVAL_MS, Job.MAX_INTERVAL_MS));
  }

  private static String randomId(Random random) {
    StringBuilder id = new StringBuilder();
    int length = 1 + random.nextInt(64);
    for (int i = 0; i < length; i++) {
      id.append(ID_CHARS.charAt(random.nextInt(ID_CHARS.length())));
    }
    return id.toString();
  }

  /** A payload in the JSON the validator writes: nested maps and lists, numbers of every kind. */
  private static String randomPayloadJson(Random random) {
    return EnhancedDocument.fromAttributeValueMap(randomMap(random, 0)).toJson();
  }

  private static Map<String, AttributeValue> randomMap(Random random, int depth) {
    Map<String, AttributeValue> map = new HashMap<>();
    int size = 1 + random.nextInt(4);
    for (int i = 0; i < size; i++) {
      map.put(
          "k" + i + pick(random, List.of("", "\"quoted\"", " späce", "\\n")), value(random, depth));
    }
    return map;
  }

  private static AttributeValue value(Random random, int depth) {
    int kinds = depth < 3 ? 7 : 5;
    return switch (random.nextInt(kinds)) {
      case 0 -> AttributeValue.fromS(pick(random, List.of("", "text", "ünïcode ✓", "a\"b\\c\n")));
      case 1 -> AttributeValue.fromN(Long.toString(random.nextLong()));
      case 2 ->
          AttributeValue.fromN(pick(random, List.of("0", "-1", "1.5", "-0.001", "12345.678")));
      case 3 -> AttributeValue.fromBool(random.nextBoolean());
      case 4 -> AttributeValue.fromNul(true);
      case 5 -> AttributeValue.fromM(randomMap(random, depth + 1));
      default -> {
        List<AttributeValue> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth + 1));
        }
        yield AttributeValue.fromL(list);
      }
    };
  }

  private static long between(Random random, long min, long max) {
    return min + (long) (random.nextDouble() * (max - min + 1));
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }
}
