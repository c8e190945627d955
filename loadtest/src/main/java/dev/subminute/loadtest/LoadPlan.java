package dev.subminute.loadtest;

import dev.subminute.model.Job;
import dev.subminute.model.ProfileRule;
import dev.subminute.worker.HttpPoll;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The jobs of one load test: N jobs with intervals drawn uniformly (on a 100 ms grain) from a
 * range, offsets spread over the interval, a share of slow and of failing workers, and optionally a
 * profile rule that switches every job's interval at a given instant.
 */
public record LoadPlan(List<Job> jobs) {

  public static final String SLOW_WORKER = "slow-probe";
  public static final String FAILING_WORKER = "failing-probe";
  public static final String PROBE_WORKER = "drift-probe";

  public LoadPlan {
    jobs = List.copyOf(jobs);
  }

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
    List<Job> planned = new ArrayList<>(jobs);
    List<ProfileRule> profile =
        switchAt == null ? List.of() : List.of(switchRule(switchAt, switchIntervalMs));
    for (int i = 0; i < jobs; i++) {
      long interval = interval(random, minIntervalMs, maxIntervalMs);
      double kind = random.nextDouble();
      String worker =
          kind < slowShare
              ? SLOW_WORKER
              : kind < slowShare + failingShare ? FAILING_WORKER : PROBE_WORKER;
      planned.add(
          Job.builder(String.format("load-%05d", i), worker, interval)
              .offsetMs(random.nextLong(interval / 10) * 10)
              .profile(profile)
              .build());
    }
    return new LoadPlan(planned);
  }

  /** An interval drawn uniformly on a 100 ms grain from {@code min} to {@code max}. */
  private static long interval(SplittableRandom random, long minIntervalMs, long maxIntervalMs) {
    long steps = (maxIntervalMs - minIntervalMs) / 100;
    return minIntervalMs + 100 * (steps == 0 ? 0 : random.nextLong(steps + 1));
  }

  /** A rule for the day of {@code at} (UTC) from its minute to an hour later, or to midnight. */
  static ProfileRule switchRule(Instant at, long intervalMs) {
    ZonedDateTime start = at.atZone(ZoneOffset.UTC);
    ZonedDateTime end = start.plusHours(1);
    int from = start.getHour() * 60 + start.getMinute();
    int to =
        end.getDayOfMonth() != start.getDayOfMonth()
            ? ProfileRule.MINUTES_PER_DAY
            : end.getHour() * 60 + end.getMinute();
    return new ProfileRule(EnumSet.of(start.getDayOfWeek()), from, to, intervalMs);
  }

  /** The same jobs, the probes replaced by {@code http-poll} jobs polling {@code url}. */
  public LoadPlan polling(String url) {
    String payload = "{\"url\":\"" + url + "\"}";
    return new LoadPlan(
        jobs.stream()
            .map(
                job ->
                    job.workerArn().equals(PROBE_WORKER)
                        ? job.toBuilder().workerArn(HttpPoll.NAME).payloadJson(payload).build()
                        : job)
            .toList());
  }

  /** Whether a job's worker sends a receipt of every tick: the ones the counts cover. */
  public static boolean counted(Job job) {
    return job.workerArn().equals(PROBE_WORKER) || job.workerArn().equals(HttpPoll.NAME);
  }

  /** The same jobs with a new interval, as a mid-run change writes them. */
  public LoadPlan withIntervals(long minIntervalMs, long maxIntervalMs, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Job> changed = new ArrayList<>(jobs.size());
    for (Job job : jobs) {
      long interval = interval(random, minIntervalMs, maxIntervalMs);
      changed.add(job.toBuilder().intervalMs(interval).offsetMs(job.offsetMs() % interval).build());
    }
    return new LoadPlan(changed);
  }

  /** The ids of the jobs, in plan order. */
  public List<String> jobIds() {
    return jobs.stream().map(Job::jobId).toList();
  }
}
