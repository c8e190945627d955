package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.subminute.controller.handler.HostHandler;
import dev.subminute.loadtest.Durations;
import dev.subminute.loadtest.LoadPlan;
import dev.subminute.loadtest.LoadtestCommand;
import dev.subminute.loadtest.Proc;
import dev.subminute.model.dynalite.DynaliteServer;
import dev.subminute.model.dynamodb.JobTable;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The capacity of one host process measured as AWS would run it: the host runs in a child JVM
 * pinned to one core ({@code taskset}; a 1,769 MB Lambda's CPU) with Lambda's JVM defaults and the
 * timer thread's real-time priority and timer-slack tuning off (Lambda grants neither); it reads
 * its items from dynalite and invokes every tick through the AWS SDK's Lambda client ({@code
 * InvocationType.EVENT}) on a loopback Invoke endpoint in this process, which stamps each arrival
 * with its own clock and answers 202 after 20 ms. This process and dynalite run on the other cores.
 * The host hands every shard to a successor each window, inside the measured span.
 *
 * <p>Figures come from the endpoint's receipts, keyed by (jobId, plannedAt): arrival drift (arrival
 * minus planned, signed), planned vs received (missed, duplicated, off the grid); host CPU from
 * {@code /proc} (utime + stime over the span) and its peak resident set. A run holds when p99 ≤ 5
 * ms, max ≤ 10 ms, 0 missed and 0 duplicated.
 *
 * <pre>
 * java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.HostCapacityBenchmark \
 *     --jobs 1000 --interval 1s --duration 300s --window 60s
 * java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.HostCapacityBenchmark \
 *     --jobs 5000 --interval 100ms..5s --duration 300s --window 60s
 * java -cp cli/target/subminute.jar dev.subminute.loadtest.bench.HostCapacityBenchmark \
 *     --jobs 1000 --interval 100ms..5s --duration 60s --window 60s --step-to 64000
 * </pre>
 *
 * With {@code --step-to}, runs double the job count from {@code --jobs} until one fails to hold (or
 * the count passes {@code --step-to}). Each run writes one JSON file to {@code --out} (default
 * {@code docs/results/host-capacity}), and the folder's {@code README.md} table is rewritten from
 * every JSON file in it.
 */
@Command(
    name = "host-capacity",
    mixinStandardHelpOptions = true,
    description = "Measure one host process pinned to one core, as a host Lambda runs.")
public final class HostCapacityBenchmark implements Callable<Integer> {
  static final long P99_BOUND_MICROS = 5_000;
  static final int FEWEST_STEP_JOBS = 50;
  static final long MAX_BOUND_MICROS = 10_000;
  static final long FLOOR_PERIOD_MS = 10;

  /**
   * The host Lambda's JVM: Lambda's Java defaults (C1 only, a heap that fits 1,769 MB; its serial
   * collector gives way to the one the function's options choose), then the options the stack adds
   * ({@link HostHandler#JVM_OPTIONS}).
   */
  static final String LAMBDA_JVM = "-XX:TieredStopAtLevel=1 -Xmx1280m " + HostHandler.JVM_OPTIONS;

  @Option(names = "--jobs", defaultValue = "1000", description = "jobs (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      description = "interval or range on a 100 ms grain (default ${DEFAULT-VALUE})")
  String interval;

  @Option(
      names = "--duration",
      defaultValue = "300s",
      description = "measured span (default ${DEFAULT-VALUE})")
  String duration;

  @Option(
      names = "--window",
      defaultValue = "60s",
      description = "host window: a successor takes every shard over (default ${DEFAULT-VALUE})")
  String window;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      description =
          "after every job's first invoke arrived, run this long before measuring"
              + " (default ${DEFAULT-VALUE})")
  String warmup;

  @Option(
      names = "--step-to",
      description = "double --jobs while the bounds hold, up to this many jobs")
  Integer stepTo;

  @Option(
      names = "--refine",
      defaultValue = "0",
      description =
          "with --step-to: after the doubling, halve the gap between the last count that held and"
              + " the first that failed this many times (default ${DEFAULT-VALUE})")
  int refine;

  @Option(
      names = "--host-cpu",
      defaultValue = "1",
      description = "the core the host is pinned to (default ${DEFAULT-VALUE})")
  int hostCpu;

  @Option(
      names = "--nice",
      defaultValue = "0",
      description =
          "nice value of the host, dynalite and this process (the endpoint): below 0 stands in,"
              + " on a machine busy with other work, for the core a Lambda has to itself and for"
              + " AWS's own services; no real-time policy either way (default ${DEFAULT-VALUE})")
  int nice;

  @Option(
      names = "--floor",
      description =
          "before each run, measure the host's core idle this long (default: --duration; 0s to"
              + " skip): a lone thread's wake-up lateness, the floor under the host's")
  String floor;

  @Option(
      names = "--answer-delay",
      defaultValue = "20ms",
      description = "the endpoint answers 202 this long after an invoke (default ${DEFAULT-VALUE})")
  String answerDelay;

  @Option(
      names = "--connections",
      defaultValue = "" + HostHandler.INVOKE_CONNECTIONS,
      description = "the Lambda client's HTTP connections (default ${DEFAULT-VALUE})")
  int connections;

  @Option(
      names = "--jvm-options",
      defaultValue = LAMBDA_JVM,
      description = "the host JVM's options (default ${DEFAULT-VALUE})")
  String jvmOptions;

  @Option(
      names = "--out",
      defaultValue = "docs/results/host-capacity",
      description = "folder for the JSON files and README.md (default ${DEFAULT-VALUE})")
  Path out;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  /** Read before this process pins itself, which narrows what the JVM reports. */
  private final int machineCores = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--classpath",
      description = "the host JVM's class path (default: this JVM's)",
      defaultValue = "${sys:java.class.path}")
  String classpath;

  public static void main(String[] args) {
    System.exit(new CommandLine(new HostCapacityBenchmark()).execute(args));
  }

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    try {
      checkOptions();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    pinThisProcessAwayFrom(hostCpu);
    if (nice != 0) {
      // threads inherit their creator's nice value: every thread made from now on has it too
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        renice(tasks.map(t -> t.getFileName().toString()).toList());
      }
    }
    if (stepTo == null) {
      runAndPrint(jobs, "host");
    } else {
      step();
    }
    MarkdownTable.write(out);
    return 0;
  }

  /**
   * Doubles the job count while the bounds hold (or halves it, down to {@value #FEWEST_STEP_JOBS},
   * until they do), then halves the gap between the last count that held and the first that failed
   * {@code refine} times.
   */
  private void step() throws Exception {
    int held = 0;
    int failed = 0;
    if (runAndPrint(jobs, "step")) {
      held = jobs;
      for (int n = jobs * 2; n <= stepTo; n *= 2) {
        if (!runAndPrint(n, "step")) {
          failed = n;
          break;
        }
        held = n;
      }
    } else {
      failed = jobs;
      for (int n = jobs / 2; n >= FEWEST_STEP_JOBS; n /= 2) {
        if (runAndPrint(n, "step")) {
          held = n;
          break;
        }
        failed = n;
      }
    }
    for (int i = 0; i < refine && held > 0 && failed > 0 && failed - held > 1; i++) {
      int n = (held + failed) / 2;
      if (runAndPrint(n, "step")) {
        held = n;
      } else {
        failed = n;
      }
    }
  }

  private boolean runAndPrint(int jobCount, String kind) throws Exception {
    Map<String, Object> run = run(jobCount, kind);
    System.out.println(new ObjectMapper().writeValueAsString(run));
    return (Boolean) run.get("holds");
  }

  /** One run of {@code jobCount} jobs; writes and returns its JSON. */
  Map<String, Object> run(int jobCount, String kind) throws Exception {
    checkOptions();
    long[] intervals = Durations.range(interval);
    long durationMs = Durations.millis(duration);
    long windowMs = Durations.millis(window);
    LoadPlan plan = LoadPlan.create(jobCount, intervals[0], intervals[1], 0, 0, null, 0, seed);
    List<String> ids = plan.jobIds();
    Receipts receipts = new Receipts(ids);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("name", fileName(kind, jobCount, durationMs).replace(".json", ""));
    result.put("command", command(jobCount));
    result.put("startedAt", Instant.now().toString());
    result.put("loadAverageAtStart", Proc.loadAverage());
    result.put("machineCores", machineCores);
    result.put("jobs", jobCount);
    result.put("interval", interval);
    result.put("durationS", durationMs / 1000);
    result.put("windowS", windowMs / 1000);
    result.put("warmupS", Durations.millis(warmup) / 1000.0);
    result.put("answerDelayMs", Durations.millis(answerDelay));
    result.put("connections", connections);
    result.put("hostJvmOptions", jvmOptions);
    result.put("nice", nice);
    result.put("hostUid", HostChild.isRoot() ? HostChild.UNPRIVILEGED : "this benchmark's");
    // this JVM stamps the arrivals: its collector's pauses hold the stamps back
    result.put(
        "endpointJvmOptions",
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    try (DynaliteServer dynalite = DynaliteServer.start(DynaliteServer.freePort(), null);
        DynamoDbClient client = patientClient(dynalite.endpoint());
        InvokeEndpoint endpoint = new InvokeEndpoint(receipts, Durations.millis(answerDelay));
        GcPauses endpointPauses = new GcPauses()) {
      JobTable table = new JobTable(client, "capacity");
      table.createIfMissing();
      if (nice != 0) {
        renice(List.of(Long.toString(dynalite.pid())));
      }
      LoadtestCommand.batchPut(table, plan.jobs());
      long floorMs = floor == null ? durationMs : Durations.millis(floor);
      if (floorMs > 0) {
        result.put(
            "idleCoreFloor", WakeupFloor.onCore(hostCpu, FLOOR_PERIOD_MS, floorMs, classpath));
      }
      long launched = System.currentTimeMillis();
      HostChild host =
          HostChild.start(
              hostCpu,
              nice,
              jvmOptions,
              classpath,
              List.of(
                  dynalite.endpoint().toString(),
                  table.name(),
                  endpoint.uri().toString(),
                  Long.toString(windowMs),
                  Integer.toString(connections)));
      try {
        long hostStarted = host.awaitStarted(120_000);
        while (receipts.jobsSeen() < jobCount) {
          if (System.currentTimeMillis() - launched > 300_000 || !host.isAlive()) {
            throw new IllegalStateException(
                "only "
                    + receipts.jobsSeen()
                    + " of "
                    + jobCount
                    + " jobs reached the endpoint within 300 s of the host's start"
                    + (host.isAlive() ? "" : " (the host process exited)"));
          }
          Thread.sleep(100);
        }
        result.put("startupS", (System.currentTimeMillis() - launched) / 1000.0);
        result.put("hostPinnedTo", Proc.status(host.pid(), "Cpus_allowed_list"));
        result.put("timerThread", Proc.thread(host.pid(), "subminute-timer"));
        result.put("pollThread", Proc.thread(host.pid(), "subminute-host"));
        result.put("compilerThread", Proc.thread(host.pid(), "C2 CompilerThre"));
        result.put("dispatchThread", Proc.thread(host.pid(), "host-dispatch"));
        result.put("senderThread", Proc.thread(host.pid(), "invoke-sender"));
        result.put("collectorThread", Proc.thread(host.pid(), "Shenandoah GC T"));
        long from = ((System.currentTimeMillis() + Durations.millis(warmup) + 999) / 1_000) * 1_000;
        long to = from + durationMs;
        sleepUntil(from);
        host.markSpan();
        long hostTicks = Proc.cpuTicks(host.pid());
        long dynaliteTicks = Proc.cpuTicks(dynalite.pid());
        long selfNanos = selfCpuNanos();
        // what the machine took from the host's core, and from the cores of the endpoint and
        // dynalite, second by second, beside the late ticks
        Map<Long, Long> stealMsBySecond = new TreeMap<>();
        Map<Long, Long> otherStealMsBySecond = new TreeMap<>();
        Map<Long, Long> dynaliteCpuMsBySecond = new TreeMap<>();
        long steal = Proc.stealTicks(hostCpu);
        long otherSteal = otherCoresSteal();
        long dynaliteBusy = dynaliteTicks;
        List<Map<String, Long>> hostThreadsBySecond = new ArrayList<>();
        Map<String, Long> hostThreads = Proc.threadCpuTicks(host.pid());
        for (long second = 1; second * 1_000 <= durationMs; second++) {
          sleepUntil(from + second * 1_000);
          long now = Proc.stealTicks(hostCpu);
          long otherNow = otherCoresSteal();
          if (now > steal) {
            stealMsBySecond.put(second - 1, Proc.ticksToMs(now - steal));
          }
          if (otherNow > otherSteal) {
            otherStealMsBySecond.put(second - 1, Proc.ticksToMs(otherNow - otherSteal));
          }
          long dynaliteNow = Proc.cpuTicks(dynalite.pid());
          dynaliteCpuMsBySecond.put(second - 1, Proc.ticksToMs(dynaliteNow - dynaliteBusy));
          steal = now;
          otherSteal = otherNow;
          dynaliteBusy = dynaliteNow;
          Map<String, Long> hostThreadsNow = Proc.threadCpuTicks(host.pid());
          hostThreadsBySecond.add(msBetween(hostThreads, hostThreadsNow));
          hostThreads = hostThreadsNow;
        }
        sleepUntil(to);
        double seconds = durationMs / 1000.0;
        result.put("hostCpuCores", cores(Proc.cpuTicks(host.pid()) - hostTicks, seconds));
        result.put("hostPeakRssMb", Proc.statusKb(host.pid(), "VmHWM") / 1024);
        result.put(
            "dynaliteCpuCores", cores(Proc.cpuTicks(dynalite.pid()) - dynaliteTicks, seconds));
        result.put("endpointCpuCores", round((selfCpuNanos() - selfNanos) / 1e9 / seconds));
        result.put("loadAverageAtEnd", Proc.loadAverage());
        result.put("handoversInSpan", handoversBetween(hostStarted, windowMs, from, to));
        // the last planned instants of the span arrive a few milliseconds after it ends
        Thread.sleep(2_000);
        Receipts.Span span = receipts.span(plan.jobs(), from, to, MAX_BOUND_MICROS);
        result.put("planned", span.counts().planned());
        result.put("received", span.counts().fired());
        result.put("missed", span.counts().missed());
        result.put("duplicated", span.counts().duplicated());
        result.put("offGrid", span.counts().offGrid());
        result.put("invokesPerSecond", Math.round(span.driftMicros().length / seconds));
        result.put("driftMinMs", ms(span.driftMicros()[0]));
        result.put("driftP50Ms", ms(span.driftAt(50)));
        result.put("driftP90Ms", ms(span.driftAt(90)));
        result.put("driftP99Ms", ms(span.driftAt(99)));
        result.put("driftP999Ms", ms(span.driftAt(99.9)));
        result.put("driftMaxMs", ms(span.driftAt(100)));
        // from the timer's firing to the arrival: the SDK client, the HTTP hop and the endpoint
        result.put("transitP50Ms", ms(span.transitAt(50)));
        result.put("transitP99Ms", ms(span.transitAt(99)));
        result.put("transitMaxMs", ms(span.transitAt(100)));
        // one instant's ticks leave the host's core one after another
        result.put("ticksPerInstant", spread(span.instants().ticks(), 1));
        result.put("firstOfInstantDriftMs", spread(span.instants().firstDriftMicros(), 1_000));
        result.put("arrivalSpacingMicros", spread(span.instants().spacingMicros(), 1));
        result.put("missedBySecondOfSpan", span.missedBySecond());
        result.put("overMaxBoundBySecondOfSpan", span.lateBySecond());
        result.put("stealMsBySecondOfSpan", stealMsBySecond);
        result.put("otherCoresStealMsBySecondOfSpan", otherStealMsBySecond);
        // the endpoint's core: dynalite's CPU and the endpoint JVM's collection pauses
        result.put("dynaliteCpuMsBySecondOfSpan", dynaliteCpuMsBySecond);
        result.put("endpointGcPauseMsBySecondOfSpan", endpointPauses.msBySecond(from, to));
        result.put("endpointGcPauseMaxMs", endpointPauses.maxMs(from, to));
        // the host's own threads: in the seconds with late ticks, and in a median second
        result.put(
            "hostThreadCpuMsInLateSeconds", inSeconds(hostThreadsBySecond, span.lateBySecond()));
        result.put("hostThreadCpuMsMedianSecond", medianSecond(hostThreadsBySecond));
        result.put("handoverSecondsOfSpan", handoverSeconds(hostStarted, windowMs, from, to));
        result.put("unknownJobInvokes", receipts.unknownJobs());
        result.put("rejectedRequests", endpoint.rejected());
        result.put("hostOwnCounts", host.stop(60_000));
        result.put(
            "holds",
            span.driftAt(99) <= P99_BOUND_MICROS
                && span.driftAt(100) <= MAX_BOUND_MICROS
                && span.counts().missed() == 0
                && span.counts().duplicated() == 0);
      } finally {
        host.destroy();
      }
    }
    Files.createDirectories(out);
    Files.writeString(
        out.resolve(fileName(kind, jobCount, durationMs)),
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
    return result;
  }

  private String fileName(String kind, int jobCount, long durationMs) {
    return kind
        + "-"
        + jobCount
        + "-"
        + interval.replace("..", "-")
        + "-"
        + durationMs / 1000
        + "s.json";
  }

  /** The command that reproduces one run of {@code jobCount} jobs. */
  private String command(int jobCount) {
    return "java -cp cli/target/subminute.jar "
        + HostCapacityBenchmark.class.getName()
        + " --jobs "
        + jobCount
        + " --interval "
        + interval
        + " --duration "
        + duration
        + " --window "
        + window
        + (warmup.equals("10s") ? "" : " --warmup " + warmup)
        + (LAMBDA_JVM.equals(jvmOptions) ? "" : " --jvm-options '" + jvmOptions + "'")
        + (connections == HostHandler.INVOKE_CONNECTIONS ? "" : " --connections " + connections)
        + (nice == 0 ? "" : " --nice " + nice)
        + (floor == null ? "" : " --floor " + floor);
  }

  /** Host windows that ended inside [from, to): successors start every window from the start. */
  static long handoversBetween(long startedMs, long windowMs, long fromMs, long toMs) {
    long first = Math.max(1, Math.floorDiv(fromMs - startedMs + windowMs - 1, windowMs));
    long last = Math.floorDiv(toMs - startedMs - 1, windowMs);
    return Math.max(0, last - first + 1);
  }

  private void checkOptions() {
    long[] intervals = Durations.range(interval);
    if (intervals[0] < 100 || intervals[1] > 86_400_000) {
      throw new IllegalArgumentException("--interval must lie within 100ms..24h, not " + interval);
    }
    if (jobs <= 0 || Durations.millis(duration) <= 0 || Durations.millis(window) <= 0) {
      throw new IllegalArgumentException("--jobs, --duration and --window must be above 0");
    }
    if (Durations.millis(warmup) < 0 || Durations.millis(answerDelay) < 0 || connections <= 0) {
      throw new IllegalArgumentException(
          "--warmup, --answer-delay and --connections must be positive");
    }
    if (nice < -20 || nice > 19) {
      throw new IllegalArgumentException("--nice must lie within -20..19, not " + nice);
    }
    if (machineCores < 2 || hostCpu < 0 || hostCpu >= machineCores) {
      throw new IllegalArgumentException(
          "--host-cpu must name one of this machine's "
              + machineCores
              + " cores (0 to "
              + (machineCores - 1)
              + ") and leave another for the endpoint and dynalite");
    }
  }

  /** The seconds of the span, counted from its start, in which a host window ended. */
  static List<Long> handoverSeconds(long startedMs, long windowMs, long fromMs, long toMs) {
    List<Long> seconds = new ArrayList<>();
    for (long t = startedMs + windowMs; t < toMs; t += windowMs) {
      if (t >= fromMs) {
        seconds.add((t - fromMs) / 1_000);
      }
    }
    return seconds;
  }

  /** What each thread name used from {@code before} to {@code after}, in ms, where it used any. */
  private static Map<String, Long> msBetween(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> ms = new TreeMap<>();
    after.forEach(
        (name, ticks) -> {
          // a thread that ended takes its ticks with it: a numbered group may shrink
          long used = ticks - before.getOrDefault(name, 0L);
          if (used > 0) {
            ms.put(name, Proc.ticksToMs(used));
          }
        });
    return ms;
  }

  private static Map<Long, Map<String, Long>> inSeconds(
      List<Map<String, Long>> bySecond, Map<Long, ? extends Number> seconds) {
    Map<Long, Map<String, Long>> picked = new TreeMap<>();
    for (Long second : seconds.keySet()) {
      if (second < bySecond.size()) {
        picked.put(second, bySecond.get(second.intValue()));
      }
    }
    return picked;
  }

  private static Map<String, Long> medianSecond(List<Map<String, Long>> bySecond) {
    Map<String, List<Long>> all = new TreeMap<>();
    for (Map<String, Long> second : bySecond) {
      second.keySet().forEach(name -> all.putIfAbsent(name, new ArrayList<>()));
    }
    Map<String, Long> median = new TreeMap<>();
    all.forEach(
        (name, values) -> {
          for (Map<String, Long> second : bySecond) {
            values.add(second.getOrDefault(name, 0L));
          }
          Collections.sort(values);
          median.put(name, values.get(values.size() / 2));
        });
    return median;
  }

  private long otherCoresSteal() {
    return IntStream.range(0, machineCores)
        .filter(c -> c != hostCpu)
        .mapToLong(Proc::stealTicks)
        .sum();
  }

  /** Keeps this process and its children (dynalite) off the host's core. */
  private void pinThisProcessAwayFrom(int hostCpu) throws Exception {
    String others =
        IntStream.range(0, machineCores)
            .filter(c -> c != hostCpu)
            .mapToObj(Integer::toString)
            .collect(Collectors.joining(","));
    Process taskset =
        new ProcessBuilder(
                "taskset", "-a", "-c", "-p", others, Long.toString(ProcessHandle.current().pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (taskset.waitFor() != 0) {
      throw new IllegalStateException("taskset could not pin this process to cores " + others);
    }
  }

  /**
   * Writing thousands of items to a dynalite that shares its core may take longer than the
   * runtime's fail-fast client allows; the writes are puts, so retrying them is safe.
   */
  private static DynamoDbClient patientClient(URI endpoint) {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(c -> c.apiCallTimeout(Duration.ofSeconds(60)))
        .build();
  }

  private void renice(List<String> ids) throws Exception {
    List<String> command = new ArrayList<>(List.of("renice", "-n", Integer.toString(nice), "-p"));
    command.addAll(ids);
    Process renice =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (renice.waitFor() != 0) {
      throw new IllegalStateException(
          "renice to " + nice + " failed: lowering a nice value needs root or CAP_SYS_NICE");
    }
  }

  private static void sleepUntil(long epochMs) throws InterruptedException {
    Thread.sleep(Math.max(0, epochMs - System.currentTimeMillis()));
  }

  private static long selfCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double cores(long ticks, double seconds) {
    return round(ticks / Proc.CLOCK_TICKS_PER_SECOND / seconds);
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  /** The median, 99th percentile and maximum of sorted values, in units of {@code unit}. */
  private static Map<String, Double> spread(long[] sorted, double unit) {
    Map<String, Double> spread = new LinkedHashMap<>();
    if (sorted.length > 0) {
      spread.put("p50", round(Receipts.Span.at(sorted, 50) / unit));
      spread.put("p99", round(Receipts.Span.at(sorted, 99) / unit));
      spread.put("max", round(Receipts.Span.at(sorted, 100) / unit));
    }
    return spread;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
