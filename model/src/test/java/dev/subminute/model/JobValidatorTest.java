package dev.subminute.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.model.dynamodb.JobTable;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class JobValidatorTest {

  static Map<String, AttributeValue> validItem() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("jobId", AttributeValue.fromS("poll-1"));
    item.put("workerArn", AttributeValue.fromS("http-poll"));
    item.put("intervalMs", AttributeValue.fromN("1000"));
    item.put("running", AttributeValue.fromBool(true));
    return item;
  }

  static JobValidation.Invalid invalidWith(String attribute, AttributeValue value) {
    Map<String, AttributeValue> item = validItem();
    if (value == null) {
      item.remove(attribute);
    } else {
      item.put(attribute, value);
    }
    return assertInstanceOf(JobValidation.Invalid.class, JobValidator.validate(item));
  }

  static void assertReason(JobValidation.Invalid invalid, String... fragments) {
    assertEquals(1, invalid.reasons().size(), invalid.reasons().toString());
    for (String fragment : fragments) {
      assertTrue(
          invalid.summary().contains(fragment),
          () -> "expected \"" + fragment + "\" in: " + invalid.summary());
    }
  }

  @Test
  void minimal_item_becomes_a_job_with_defaults() {
    Job job = ((JobValidation.Valid) JobValidator.validate(validItem())).job();
    assertEquals("poll-1", job.jobId());
    assertEquals("http-poll", job.workerArn());
    assertEquals(1000, job.intervalMs());
    assertTrue(job.running());
    assertEquals("{}", job.payloadJson());
    assertEquals(0, job.offsetMs());
    assertEquals(ZoneId.of("UTC"), job.timezone());
    assertEquals(Misfire.SKIP, job.misfire());
    assertEquals(Placement.SHARED, job.placement());
    assertEquals(List.of(), job.profile());
  }

  @Test
  void dedicated_placement_is_kept() {
    Map<String, AttributeValue> item = validItem();
    item.put("placement", AttributeValue.fromS("DEDICATED"));
    Job job = ((JobValidation.Valid) JobValidator.validate(item)).job();
    assertEquals(Placement.DEDICATED, job.placement());
  }

  @Test
  void unknown_placement_is_rejected() {
    assertReason(
        invalidWith("placement", AttributeValue.fromS("shared")),
        "placement must be the string \"SHARED\" or \"DEDICATED\"");
  }

  @Test
  void full_item_keeps_every_attribute() {
    Map<String, AttributeValue> item = validItem();
    item.put(
        "payload",
        AttributeValue.fromM(
            Map.of(
                "url", AttributeValue.fromS("http://127.0.0.1/x"),
                "n", AttributeValue.fromN("3"))));
    item.put("offsetMs", AttributeValue.fromN("250"));
    item.put("timezone", AttributeValue.fromS("Europe/Berlin"));
    item.put("misfire", AttributeValue.fromS("FIRE_ONCE"));
    item.put("version", AttributeValue.fromN("7"));
    item.put(
        "profile",
        AttributeValue.fromL(
            List.of(
                rule("MON-FRI", "08:00", "20:00", "500"),
                rule("SAT,SUN", "22:00", "06:00", "60000"))));
    Job job = ((JobValidation.Valid) JobValidator.validate(item)).job();
    assertTrue(job.payloadJson().contains("\"url\":\"http://127.0.0.1/x\""), job.payloadJson());
    assertEquals(250, job.offsetMs());
    assertEquals(ZoneId.of("Europe/Berlin"), job.timezone());
    assertEquals(Misfire.FIRE_ONCE, job.misfire());
    assertEquals(7, job.version());
    assertEquals(
        new ProfileRule(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), 8 * 60, 20 * 60, 500),
        job.profile().get(0));
    assertEquals(
        new ProfileRule(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), 22 * 60, 6 * 60, 60000),
        job.profile().get(1));
  }

  static AttributeValue rule(String days, String from, String to, String interval) {
    return AttributeValue.fromM(
        Map.of(
            "days", AttributeValue.fromS(days),
            "from", AttributeValue.fromS(from),
            "to", AttributeValue.fromS(to),
            "intervalMs", AttributeValue.fromN(interval)));
  }

  @Test
  void missing_job_id_is_named() {
    assertReason(invalidWith("jobId", null), "jobId is required");
  }

  @ParameterizedTest
  @CsvSource({"'has space'", "'ünïcode'", "''", "'a/b'"})
  void job_id_outside_the_alphabet_is_rejected(String id) {
    assertReason(invalidWith("jobId", AttributeValue.fromS(id)), "jobId", "A-Z a-z 0-9 _ -");
  }

  @Test
  void over_long_job_id_is_rejected() {
    assertReason(invalidWith("jobId", AttributeValue.fromS("x".repeat(65))), "1 to 64");
  }

  @Test
  void interval_as_string_says_what_to_write() {
    assertReason(
        invalidWith("intervalMs", AttributeValue.fromS("1000")),
        "intervalMs is required as a number (N)",
        "it is a string (S) \"1000\"",
        "{\"N\": \"1000\"}");
  }

  @ParameterizedTest
  @CsvSource({"99", "0", "-5", "86400001", "1e30", "12.5"})
  void interval_out_of_range_is_rejected(String n) {
    assertReason(
        invalidWith("intervalMs", AttributeValue.fromN(n)), "intervalMs " + n, "100 to 86400000");
  }

  @Test
  void interval_at_the_bounds_is_accepted() {
    for (String n : List.of("100", "86400000", "1000.0")) {
      Map<String, AttributeValue> item = validItem();
      item.put("intervalMs", AttributeValue.fromN(n));
      assertInstanceOf(JobValidation.Valid.class, JobValidator.validate(item), n);
    }
  }

  @Test
  void running_as_number_is_rejected() {
    assertReason(
        invalidWith("running", AttributeValue.fromN("1")),
        "running is required as a boolean",
        "it is a number (N) 1");
  }

  @Test
  void missing_running_is_rejected() {
    assertReason(invalidWith("running", null), "running", "it is missing");
  }

  @Test
  void worker_missing_or_malformed_is_rejected() {
    assertReason(invalidWith("workerArn", null), "workerArn is required");
    assertReason(
        invalidWith("workerArn", AttributeValue.fromS("not a function!")),
        "not a Lambda function name or ARN");
  }

  @ParameterizedTest
  @CsvSource({
    "drift-probe",
    "arn:aws:lambda:eu-west-1:123456789012:function:drift-probe",
    "arn:aws:lambda:eu-west-1:123456789012:function:drift-probe:live",
    "123456789012:function:log"
  })
  void worker_names_and_arns_are_accepted(String worker) {
    Map<String, AttributeValue> item = validItem();
    item.put("workerArn", AttributeValue.fromS(worker));
    assertInstanceOf(JobValidation.Valid.class, JobValidator.validate(item));
  }

  @Test
  void payload_not_a_map_is_rejected() {
    assertReason(invalidWith("payload", AttributeValue.fromS("x")), "payload must be a map (M)");
  }

  @Test
  void offset_not_below_interval_is_rejected() {
    assertReason(
        invalidWith("offsetMs", AttributeValue.fromN("1000")), "0 <= offsetMs < intervalMs (1000)");
    assertReason(invalidWith("offsetMs", AttributeValue.fromN("-1")), "offsetMs");
    assertReason(invalidWith("offsetMs", AttributeValue.fromS("5")), "offsetMs", "string (S)");
  }

  @Test
  void unknown_zone_is_rejected() {
    assertReason(
        invalidWith("timezone", AttributeValue.fromS("Mars/Olympus")),
        "timezone must be an IANA zone",
        "Mars/Olympus");
  }

  @Test
  void unknown_misfire_is_rejected() {
    assertReason(
        invalidWith("misfire", AttributeValue.fromS("fire_all")), "\"SKIP\" or \"FIRE_ONCE\"");
  }

  @Test
  void version_of_wrong_type_is_rejected() {
    assertReason(invalidWith("version", AttributeValue.fromS("1")), "version");
  }

  @Test
  void profile_not_a_list_is_rejected() {
    assertReason(
        invalidWith("profile", AttributeValue.fromM(Map.of())), "profile must be a list (L)");
  }

  @Test
  void broken_profile_rules_name_their_index_and_field() {
    assertReason(
        invalidWith("profile", AttributeValue.fromL(List.of(AttributeValue.fromS("x")))),
        "profile[0] must be a map (M)");
    assertReason(
        invalidWith(
            "profile", AttributeValue.fromL(List.of(rule("MON-FRI", "8am", "20:00", "500")))),
        "profile[0].from",
        "\"HH:mm\"");
    assertReason(
        invalidWith(
            "profile", AttributeValue.fromL(List.of(rule("MON-FRI", "08:00", "25:00", "500")))),
        "profile[0].to");
    assertReason(
        invalidWith(
            "profile", AttributeValue.fromL(List.of(rule("WORKDAYS", "08:00", "20:00", "500")))),
        "profile[0].days",
        "\"MON-FRI\"");
    assertReason(
        invalidWith("profile", AttributeValue.fromL(List.of(rule("MON", "08:00", "20:00", "50")))),
        "profile[0].intervalMs 50 is out of range");
    assertReason(
        invalidWith("profile", AttributeValue.fromL(List.of(rule("MON", "08:00", "08:00", "500")))),
        "profile[0] starts and ends at the same time");
  }

  @Test
  void a_whole_day_rule_from_midnight_to_24_00_is_accepted_and_rules_all_day() {
    Map<String, AttributeValue> item = validItem();
    item.put("profile", AttributeValue.fromL(List.of(rule("SAT", "00:00", "24:00", "500"))));
    Job job = assertInstanceOf(JobValidation.Valid.class, JobValidator.validate(item)).job();
    ProfileRule rule = job.profile().get(0);
    assertEquals(0, rule.fromMinute());
    assertEquals(ProfileRule.MINUTES_PER_DAY, rule.toMinute());
    long saturdayStart = java.time.Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
    assertEquals(500, TickGrid.intervalAt(job, saturdayStart));
    assertEquals(500, TickGrid.intervalAt(job, saturdayStart + 86_400_000 - 1));
    assertEquals(1_000, TickGrid.intervalAt(job, saturdayStart + 86_400_000));
    assertEquals(1_000, TickGrid.intervalAt(job, saturdayStart - 1));
  }

  @Test
  void every_reason_of_a_badly_broken_item_is_reported() {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put("jobId", AttributeValue.fromS("bad"));
    item.put("intervalMs", AttributeValue.fromS("fast"));
    item.put("running", AttributeValue.fromS("yes"));
    item.put("timezone", AttributeValue.fromN("1"));
    JobValidation.Invalid invalid =
        assertInstanceOf(JobValidation.Invalid.class, JobValidator.validate(item));
    assertEquals("bad", invalid.jobId());
    assertEquals(4, invalid.reasons().size(), invalid.reasons().toString());
  }

  @Test
  void random_garbage_never_throws_and_always_explains() {
    Random random = new Random(42);
    List<String> names = new ArrayList<>(JobTable.USER_ATTRIBUTES);
    names.add(JobTable.JOB_ID);
    names.add(JobTable.VERSION);
    for (int i = 0; i < 20_000; i++) {
      Map<String, AttributeValue> item = validItem();
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        item.put(names.get(random.nextInt(names.size())), garbage(random, 0));
      }
      JobValidation v = JobValidator.validate(item);
      if (v instanceof JobValidation.Invalid invalid) {
        assertTrue(!invalid.reasons().isEmpty());
        invalid.reasons().forEach(r -> assertTrue(r.endsWith(".") && r.length() > 20, r));
      }
    }
  }

  static AttributeValue garbage(Random random, int depth) {
    return switch (random.nextInt(depth > 2 ? 5 : 8)) {
      case 0 -> AttributeValue.fromS(randomString(random));
      case 1 -> AttributeValue.fromN(Long.toString(random.nextLong() % 100_000_000L));
      case 2 -> AttributeValue.fromBool(random.nextBoolean());
      case 3 -> AttributeValue.fromNul(true);
      case 4 -> AttributeValue.fromSs(List.of("a", "b"));
      case 5 ->
          AttributeValue.fromL(List.of(garbage(random, depth + 1), garbage(random, depth + 1)));
      case 6 ->
          AttributeValue.fromM(
              Map.of(
                  "days",
                  garbage(random, depth + 1),
                  "from",
                  garbage(random, depth + 1),
                  "to",
                  AttributeValue.fromS("10:00"),
                  "intervalMs",
                  garbage(random, depth + 1)));
      default -> AttributeValue.fromM(Map.of("k", garbage(random, depth + 1)));
    };
  }

  static String randomString(Random random) {
    String[] samples = {
      "",
      "MON-FRI",
      "08:00",
      "24:00",
      "Europe/Berlin",
      "SKIP",
      "ä\u0000\n",
      "9999999999999999999999",
      "-1",
      "drift-probe"
    };
    return samples[random.nextInt(samples.length)];
  }
}
