package dev.subminute.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TickGridTest {
  static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  static final Set<DayOfWeek> WEEKDAYS = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);

  static Job plain(long interval, long offset) {
    return Job.builder("j", "log", interval).offsetMs(offset).build();
  }

  static long at(ZoneId zone, String localDateTime) {
    return LocalDateTime.parse(localDateTime).atZone(zone).toInstant().toEpochMilli();
  }

  @Test
  void plain_grid_is_aligned_to_the_epoch_and_the_offset() {
    assertEquals(13_000, TickGrid.nextAfter(plain(1000, 0), 12_345));
    assertEquals(13_000, TickGrid.nextAfter(plain(1000, 0), 12_000));
    assertEquals(12_250, TickGrid.nextAfter(plain(1000, 250), 12_000));
    assertEquals(13_250, TickGrid.nextAfter(plain(1000, 250), 12_250));
    assertEquals(-1_000, TickGrid.nextAfter(plain(1000, 0), -1_500));
  }

  @Test
  void profile_switch_at_08_00_takes_effect_at_the_boundary_even_off_the_old_grid() {
    Job job =
        Job.builder("j", "log", 7_000)
            .timezone(BERLIN)
            .profile(List.of(new ProfileRule(WEEKDAYS, 8 * 60, 20 * 60, 1_000)))
            .build();
    long eight = at(BERLIN, "2026-11-26T08:00:00"); // a Thursday
    assertEquals(eight, TickGrid.nextAfter(job, eight - 1_500));
    assertEquals(eight + 1_000, TickGrid.nextAfter(job, eight));
    long twenty = at(BERLIN, "2026-11-26T20:00:00");
    long afterTwenty = TickGrid.nextAfter(job, twenty - 1);
    assertTrue(afterTwenty >= twenty && afterTwenty % 7_000 == 0, "back on the 7 s grid");
    assertTrue(afterTwenty - twenty < 7_000);
  }

  @Test
  void count_between_matches_stepping_through_the_grid_across_a_profile_switch() {
    Job job =
        Job.builder("j", "log", 7_000)
            .timezone(BERLIN)
            .profile(List.of(new ProfileRule(WEEKDAYS, 8 * 60, 20 * 60, 1_000)))
            .build();
    long eight = at(BERLIN, "2026-11-26T08:00:00");
    for (long[] span :
        new long[][] {
          {eight - 60_000, eight + 60_000}, {eight, eight + 1_000}, {eight - 1, eight + 1}, {5, 5}
        }) {
      long stepped = 0;
      for (long t = TickGrid.nextAfter(job, span[0]); t < span[1]; t = TickGrid.nextAfter(job, t)) {
        stepped++;
      }
      assertEquals(stepped, TickGrid.countBetween(job, span[0], span[1]), "span " + span[0]);
    }
    assertEquals(9, TickGrid.countBetween(plain(100, 0), 0, 1_000));
  }

  @Test
  void profile_only_on_its_days() {
    Job job =
        Job.builder("j", "log", 60_000)
            .timezone(BERLIN)
            .profile(List.of(new ProfileRule(WEEKDAYS, 8 * 60, 20 * 60, 1_000)))
            .build();
    long saturdayNine = at(BERLIN, "2026-11-28T09:00:00");
    assertEquals(60_000, TickGrid.intervalAt(job, saturdayNine));
    assertEquals(1_000, TickGrid.intervalAt(job, at(BERLIN, "2026-11-27T09:00:00")));
  }

  @Test
  void overnight_rule_runs_past_midnight_into_the_next_day() {
    Job job =
        Job.builder("j", "log", 1_000)
            .timezone(BERLIN)
            .profile(
                List.of(new ProfileRule(EnumSet.of(DayOfWeek.FRIDAY), 22 * 60, 6 * 60, 300_000)))
            .build();
    assertEquals(300_000, TickGrid.intervalAt(job, at(BERLIN, "2026-11-27T23:00:00")));
    assertEquals(300_000, TickGrid.intervalAt(job, at(BERLIN, "2026-11-28T05:59:00")));
    assertEquals(1_000, TickGrid.intervalAt(job, at(BERLIN, "2026-11-28T06:00:00")));
    assertEquals(1_000, TickGrid.intervalAt(job, at(BERLIN, "2026-11-28T23:00:00")));
  }

  @Test
  void rule_starting_in_a_dst_gap_starts_when_the_gap_ends() {
    Job job =
        Job.builder("j", "log", 60_000)
            .timezone(BERLIN)
            .profile(
                List.of(
                    new ProfileRule(EnumSet.allOf(DayOfWeek.class), 2 * 60 + 30, 4 * 60, 1_000)))
            .build();
    // 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 never shows on the clock.
    job = job.toBuilder().intervalMs(3_600_000).offsetMs(1_800_000).build();
    long gapEnd = at(BERLIN, "2026-03-29T03:00:00");
    assertEquals(gapEnd, TickGrid.nextAfter(job, gapEnd - 1));
    assertEquals(gapEnd + 1_000, TickGrid.nextAfter(job, gapEnd));
    assertEquals(3_600_000, TickGrid.intervalAt(job, gapEnd - 1));
  }

  @Test
  void rule_in_a_dst_overlap_holds_on_both_passes() {
    Job job =
        Job.builder("j", "log", 60_000)
            .timezone(BERLIN)
            .profile(
                List.of(
                    new ProfileRule(EnumSet.allOf(DayOfWeek.class), 2 * 60, 2 * 60 + 30, 1_000)))
            .build();
    // 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:00 to 03:00 happens twice.
    long firstPass =
        ZonedDateTime.ofStrict(
                LocalDateTime.parse("2026-10-25T02:15:00"), ZoneOffset.ofHours(2), BERLIN)
            .toInstant()
            .toEpochMilli();
    long secondPass = firstPass + 3_600_000;
    assertEquals(1_000, TickGrid.intervalAt(job, firstPass));
    assertEquals(60_000, TickGrid.intervalAt(job, firstPass + 30 * 60_000));
    assertEquals(1_000, TickGrid.intervalAt(job, secondPass));
    long secondStart = secondPass - 15 * 60_000;
    assertEquals(secondStart, TickGrid.nextAfter(job, secondStart - 1));
  }

  @Test
  void random_jobs_and_instants_never_skip_a_planned_instant() {
    Random random = new Random(20261126);
    List<ZoneId> zones =
        List.of(
            BERLIN,
            ZoneId.of("America/New_York"),
            ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("UTC"),
            ZoneId.of("Asia/Kolkata"));
    int cases = 5_000;
    for (int i = 0; i < cases; i++) {
      Job job = randomJob(random, zones.get(random.nextInt(zones.size())), 60_000);
      long t = randomInstant(random, job);
      checkNextAfter(job, t);
    }
  }

  @Test
  void random_long_intervals_across_rule_edges_never_skip() {
    Random random = new Random(7);
    for (int i = 0; i < 200; i++) {
      Job job = randomJob(random, BERLIN, 3_600_000);
      checkNextAfter(job, randomInstant(random, job));
    }
  }

  /**
   * The result is after t, is planned, and nothing planned lies between; checked by brute force.
   */
  static void checkNextAfter(Job job, long t) {
    long next = TickGrid.nextAfter(job, t);
    if (next <= t) {
      fail("next " + next + " not after " + t + " for " + job);
    }
    if (!plannedByDefinition(job, next)) {
      fail(Instant.ofEpochMilli(next) + " is not on the grid in force for " + job);
    }
    // every planned instant is a multiple of 100 ms here: intervals, offsets and rule edges are
    for (long x = Math.floorDiv(t, 100) * 100 + 100; x < next; x += 100) {
      if (plannedByDefinition(job, x)) {
        fail(
            "skipped planned "
                + Instant.ofEpochMilli(x)
                + " between "
                + Instant.ofEpochMilli(t)
                + " and "
                + Instant.ofEpochMilli(next)
                + " for "
                + job);
      }
    }
  }

  /** DESIGN's definition, computed independently of the grid's segment logic. */
  static boolean plannedByDefinition(Job job, long epochMs) {
    LocalDateTime local = LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMs), job.timezone());
    long interval = job.intervalMs();
    for (ProfileRule rule : job.profile()) {
      if (rule.matches(local.getDayOfWeek(), local.toLocalTime().toNanoOfDay() / 1_000_000)) {
        interval = rule.intervalMs();
        break;
      }
    }
    return Math.floorMod(epochMs - job.offsetMs(), interval) == 0;
  }

  static Job randomJob(Random random, ZoneId zone, long maxInterval) {
    long interval = 100L * (1 + random.nextInt((int) (maxInterval / 100)));
    long offset = 100L * random.nextInt((int) (interval / 100));
    List<ProfileRule> rules = new ArrayList<>();
    int ruleCount = random.nextInt(4);
    int[] interestingMinutes = {0, 60, 120, 150, 180, 480, 1200, 1439, 1440};
    for (int r = 0; r < ruleCount; r++) {
      EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
      for (DayOfWeek d : DayOfWeek.values()) {
        if (random.nextInt(3) > 0) {
          days.add(d);
        }
      }
      if (days.isEmpty()) {
        days.add(DayOfWeek.SUNDAY);
      }
      int from =
          random.nextBoolean() ? interestingMinutes[random.nextInt(8)] : random.nextInt(1440);
      int to =
          random.nextBoolean() ? interestingMinutes[random.nextInt(9)] : 1 + random.nextInt(1440);
      if (to % 1440 == from) {
        to = (from + 37) % 1440;
      }
      rules.add(
          new ProfileRule(days, from, to, 100L * (1 + random.nextInt((int) (maxInterval / 100)))));
    }
    return Job.builder("j", "log", interval).offsetMs(offset).timezone(zone).profile(rules).build();
  }

  /**
   * Instants just before a DST transition or a rule edge (within one base interval, where a missed
   * boundary would show), or anywhere in 2026.
   */
  static long randomInstant(Random random, Job job) {
    ZoneId zone = job.timezone();
    long start = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    long anywhere = start + (long) (random.nextDouble() * 365L * 86_400_000L);
    long justBefore = (long) (random.nextDouble() * job.intervalMs() * 1.5);
    switch (random.nextInt(3)) {
      case 0:
        ZoneOffsetTransition tr = zone.getRules().nextTransition(Instant.ofEpochMilli(anywhere));
        return tr == null ? anywhere : tr.getInstant().toEpochMilli() - justBefore;
      case 1:
        if (job.hasProfile()) {
          ProfileRule rule = job.profile().get(random.nextInt(job.profile().size()));
          int minute = random.nextBoolean() ? rule.fromMinute() : rule.toMinute();
          LocalDateTime edge =
              LocalDateTime.ofInstant(Instant.ofEpochMilli(anywhere), zone)
                  .toLocalDate()
                  .atStartOfDay()
                  .plusMinutes(minute);
          return edge.atZone(zone).toInstant().toEpochMilli() - justBefore;
        }
        return anywhere;
      default:
        return anywhere;
    }
  }
}
