package dev.subminute.loadtest;

import dev.subminute.model.Job;
import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.ProfileRuleItem;
import dev.subminute.worker.HttpPoll;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The jobs of one load test: N items with intervals drawn uniformly (on a 100 ms grain) from a
 * range, offsets spread over the interval, a share of slow and of failing workers, and optionally a
 * profile rule that switches every job's interval at a given instant.
 */
public record LoadPlan(List<JobItem> items, List<Job> jobs) {

  public static final String SLOW_WORKER = "slow-probe";
  public static final String FAILING_WORKER = "failing-probe";
  public static final String PROBE_WORKER = "drift-probe";

  /**
   * @param switchAt when not null, every job gets a rule from this minute (UTC) to the next hour
   *     that ticks every {@code switchIntervalMs}
   */
  public static LoadPlan create(
      int jobs,
      long minIntervalMs,
      long maxIntervalMs,
      double slowShare,
      double failingShare,
      Instant switchAt,
      long switchIntervalMs,
      long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<JobItem> items = new ArrayList<>(jobs);
    List<Job> parsed = new ArrayList<>(jobs);
    List<ProfileRuleItem> profile =
        switchAt == null ? null : List.of(switchRule(switchAt, switchIntervalMs));
    for (int i = 0; i < jobs; i++) {
      long steps = (maxIntervalMs - minIntervalMs) / 100;
      long interval = minIntervalMs + 100 * (steps == 0 ? 0 : random.nextLong(steps + 1));
      double kind = random.nextDouble();
      String worker =
          kind < slowShare
              ? SLOW_WORKER
              : kind < slowShare + failingShare ? FAILING_WORKER : PROBE_WORKER;
      JobItem item =
          JobItem.builder()
              .jobId(String.format("load-%05d", i))
              .workerArn(worker)
              .intervalMs(interval)
              .offsetMs(random.nextLong(interval / 10) * 10)
              .running(true)
              .profile(profile)
              .build();
      items.add(item);
      JobValidation v = JobValidator.validate(JobTable.schema().itemToMap(item, true));
      parsed.add(((JobValidation.Valid) v).job());
    }
    return new LoadPlan(List.copyOf(items), List.copyOf(parsed));
  }

  static ProfileRuleItem switchRule(Instant at, long intervalMs) {
    ZonedDateTime start = at.atZone(ZoneOffset.UTC);
    DateTimeFormatter hhmm = DateTimeFormatter.ofPattern("HH:mm");
    String day = start.getDayOfWeek().name().substring(0, 3);
    ZonedDateTime end = start.plusHours(1);
    String to = end.getDayOfMonth() != start.getDayOfMonth() ? "24:00" : hhmm.format(end);
    return ProfileRuleItem.of(day, hhmm.format(start), to, intervalMs);
  }

  /** The same jobs, the probes replaced by {@code http-poll} jobs polling {@code url}. */
  public LoadPlan polling(String url) {
    List<JobItem> polls = new ArrayList<>();
    List<Job> parsed = new ArrayList<>();
    for (JobItem item : items) {
      JobItem next =
          !item.getWorkerArn().equals(PROBE_WORKER)
              ? item
              : item.toBuilder()
                  .workerArn(HttpPoll.NAME)
                  .payload(Map.of("url", AttributeValue.fromS(url)))
                  .build();
      polls.add(next);
      parsed.add(
          ((JobValidation.Valid) JobValidator.validate(JobTable.schema().itemToMap(next, true)))
              .job());
    }
    return new LoadPlan(List.copyOf(polls), List.copyOf(parsed));
  }

  /** Whether a job's worker sends a receipt of every tick: the ones the counts cover. */
  public static boolean counted(Job job) {
    return job.workerArn().equals(PROBE_WORKER) || job.workerArn().equals(HttpPoll.NAME);
  }

  /** The same jobs with a new interval, as a mid-run change writes them. */
  public LoadPlan withIntervals(long minIntervalMs, long maxIntervalMs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<JobItem> changed = new ArrayList<>();
    List<Job> parsed = new ArrayList<>();
    for (JobItem item : items) {
      long steps = (maxIntervalMs - minIntervalMs) / 100;
      long interval = minIntervalMs + 100 * (steps == 0 ? 0 : random.nextLong(steps + 1));
      JobItem next =
          item.toBuilder().intervalMs(interval).offsetMs(item.getOffsetMs() % interval).build();
      changed.add(next);
      parsed.add(
          ((JobValidation.Valid) JobValidator.validate(JobTable.schema().itemToMap(next, true)))
              .job());
    }
    return new LoadPlan(List.copyOf(changed), List.copyOf(parsed));
  }
}
