package dev.subminute.loadtest.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * One row of a README table: the process that measures it (a main class and its arguments), the JVM
 * options it runs with, and the table it belongs to. {@code {runDir}} in the arguments becomes the
 * run's own folder under {@code <out>/logs}.
 */
record BenchRow(
    String table,
    String id,
    String label,
    List<String> jvmOptions,
    List<String> command,
    boolean jmh) {

  static final String TIMER_TUNING_OFF = "-Dsubminute.timerTuning=off";
  private static final List<String> LOADTEST_JVM =
      List.of("-XX:+UseZGC", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch");

  BenchRow withId(String newId, String newLabel) {
    return new BenchRow(table, newId, newLabel, jvmOptions, command, jmh);
  }

  List<String> commandFor(String runDir) {
    return command.stream().map(a -> a.replace("{runDir}", runDir)).toList();
  }

  static List<String> ids(boolean quick) {
    return all(quick).stream().map(BenchRow::id).toList();
  }

  /** Every row of the README's performance tables; {@code quick} shortens each to seconds. */
  static List<BenchRow> all(boolean quick) {
    List<BenchRow> rows = new ArrayList<>();
    List<String> jmhArgs =
        new ArrayList<>(List.of("org.openjdk.jmh.Main", "GridBenchmark", "-prof", "gc"));
    jmhArgs.addAll(
        quick
            ? List.of("-wi", "1", "-i", "1", "-w", "200ms", "-r", "200ms")
            : List.of("-wi", "5", "-i", "5", "-w", "1s", "-r", "1s"));
    rows.add(new BenchRow("grid", "grid", "tick grid (JMH)", List.of(), jmhArgs, true));
    rows.add(
        new BenchRow(
            "client",
            "client",
            "DynamoDB GetItem on loopback dynalite",
            List.of(),
            List.of("dev.subminute.loadtest.bench.ClientLatencyBenchmark", quick ? "200" : "2000"),
            false));
    for (boolean lambdaLike : new boolean[] {false, true}) {
      String suffix = lambdaLike ? "-lambda-like" : "";
      List<String> jvm = lambdaLike ? List.of(TIMER_TUNING_OFF) : List.of();
      rows.add(
          controller(
              "controller-1s" + suffix,
              quick ? "1 job at 1 s, 4 s" : "1 job at 1 s, 120 s",
              jvm,
              "1000",
              quick ? "4000" : "121000"));
      rows.add(
          controller(
              "controller-100ms" + suffix,
              quick ? "1 job at 100 ms, 3 s" : "1 job at 100 ms, 60 s",
              jvm,
              "100",
              quick ? "3000" : "61000"));
    }
    for (String[] load :
        new String[][] {
          {"1000", ""},
          {"5000", ""},
          {"10000", ""},
          {"20000", ""},
          {"10000", "--cpu-hog"},
          {"10000", "--lambda-like"}
        }) {
      String jobs = quick ? Integer.toString(Integer.parseInt(load[0]) / 100) : load[0];
      List<String> args =
          new ArrayList<>(
              List.of(
                  "dev.subminute.cli.Main",
                  "loadtest",
                  "--jobs",
                  jobs,
                  "--interval",
                  quick ? "100ms..1s" : "100ms..5s",
                  "--duration",
                  quick ? "3s" : "60s",
                  "--window",
                  "60s",
                  "--quiet",
                  "--out",
                  "{runDir}"));
      if (!load[1].isEmpty()) {
        args.add(load[1]);
      }
      String id = "loadtest-" + load[0] + (load[1].isEmpty() ? "" : "-" + load[1].substring(2));
      String label =
          String.format("%,d jobs", Integer.parseInt(jobs))
              + (load[1].isEmpty() ? "" : ", " + load[1].substring(2).replace('-', ' '));
      rows.add(
          new BenchRow(
              "loadtest",
              id,
              label,
              quick ? List.of("-XX:+UseZGC", "-Xmx1g") : LOADTEST_JVM,
              args,
              false));
    }
    return rows;
  }

  private static BenchRow controller(
      String id, String label, List<String> jvm, String intervalMs, String runMs) {
    return new BenchRow(
        "controller",
        id,
        label,
        jvm,
        List.of("dev.subminute.loadtest.bench.ControllerBenchmark", intervalMs, runMs),
        false);
  }
}
