package dev.subminute.loadtest.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code subminute bench}: every figure of the README's performance tables, each row run three
 * times in a process of its own, written as {@code <out>/<row>.json} (every run, and the median,
 * min and max of each figure) and {@code <out>/README-tables.md}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Regenerate the README's performance tables: each row the median of 3 runs.")
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--quick",
      description =
          "every row a few seconds long: checks the command, measures nothing worth citing")
  boolean quick;

  @Option(
      names = "--rows",
      defaultValue = ".*",
      description = "only rows whose id matches this regular expression, e.g. 'controller-.*'")
  String rows;

  @Option(names = "--runs", defaultValue = "3", description = "runs per row (default 3)")
  int runs;

  @Option(
      names = "--out",
      description =
          "where the JSON files and README-tables.md go (default docs/results; with --quick,"
              + " target/bench-quick)")
  Path out;

  @Option(
      names = "--reliability",
      description =
          "also run the reliability tests (FaultsTest, SharedHostsTest, RuntimeKilledIT) through"
              + " Maven in the repository and collect their [reliability] lines into"
              + " reliability.md (several minutes); a full run without --rows does it anyway")
  boolean reliability;

  @Override
  public Integer call() throws Exception {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, e.g. --runs 3");
    }
    if (out == null) {
      // quick figures are worth nothing: never beside the real ones, where a later run would
      // keep them as rows it did not rerun
      out = quick ? repositoryRoot().resolve("target").resolve("bench-quick") : defaultOut();
    }
    Pattern filter = Pattern.compile(rows);
    List<BenchRow> selected =
        BenchRow.all(quick).stream().filter(r -> filter.matcher(r.id()).matches()).toList();
    if (selected.isEmpty()) {
      throw new IllegalArgumentException(
          "no row matches --rows " + rows + "; rows are " + BenchRow.ids(quick));
    }
    Files.createDirectories(out.resolve("logs"));
    List<BenchResult> results = new ArrayList<>();
    for (BenchRow row : selected) {
      results.addAll(run(row));
    }
    for (BenchResult result : results) {
      Files.writeString(
          out.resolve(result.id() + ".json"),
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.json()));
    }
    List<BenchResult> tableRows = new ArrayList<>(results);
    tableRows.addAll(storedResults(selected));
    tableRows.sort(Comparator.comparingInt(r -> rowOrder(r.row())));
    String tables = BenchTables.markdown(tableRows, commandLine(), Instant.now());
    Files.writeString(out.resolve("README-tables.md"), tables);
    System.out.print(tables);
    Path readme = repositoryRoot().resolve("README.md");
    boolean intoReadme =
        !quick
            && out.toAbsolutePath().normalize().equals(defaultOut().toAbsolutePath().normalize())
            && Files.exists(readme);
    if (intoReadme) {
      ReadmeSection.replace(readme, "performance", tables);
    }
    if (reliability || (!quick && rows.equals(".*"))) {
      String figures = runReliability();
      if (intoReadme) {
        ReadmeSection.replace(readme, "reliability", figures);
      }
    }
    return 0;
  }

  private static Path defaultOut() {
    return repositoryRoot().resolve("docs").resolve("results");
  }

  /**
   * The rows this run did not measure, as their JSON files under {@link #out} hold them from an
   * earlier run, so the tables always show every row (each JSON file says when it was measured).
   */
  private List<BenchResult> storedResults(List<BenchRow> measured) throws IOException {
    List<BenchResult> stored = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    for (BenchRow row : BenchRow.all(quick)) {
      if (measured.contains(row)) {
        continue;
      }
      try (var files = Files.list(out)) {
        for (Path file : files.sorted().toList()) {
          String name = file.getFileName().toString();
          boolean ofRow =
              name.equals(row.id() + ".json") || (row.jmh() && name.startsWith(row.id() + "-"));
          if (ofRow && name.endsWith(".json")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> result = json.readValue(file.toFile(), LinkedHashMap.class);
            stored.add(BenchResult.stored(row, result));
          }
        }
      }
    }
    return stored;
  }

  private int rowOrder(BenchRow row) {
    List<String> ids = BenchRow.ids(quick);
    for (int i = 0; i < ids.size(); i++) {
      if (row.id().equals(ids.get(i)) || row.id().startsWith(ids.get(i) + "-") && row.jmh()) {
        return i;
      }
    }
    return ids.size();
  }

  /** The checkout the {@code subminute} script runs from, else the working directory. */
  static Path repositoryRoot() {
    String root = System.getenv("SUBMINUTE_ROOT");
    return Path.of(root == null ? "." : root);
  }

  /**
   * The reliability figures are what the fault tests assert and print: run them (never installing
   * anything) and keep their {@code [reliability]} lines.
   */
  private String runReliability() throws IOException, InterruptedException {
    List<String> command =
        List.of(
            "mvn",
            "-B",
            "-pl",
            "local,cli",
            "-am",
            "verify",
            "-Dtest=FaultsTest,SharedHostsTest",
            "-Dsurefire.failIfNoSpecifiedTests=false",
            "-Dit.test=RuntimeKilledIT",
            "-Dfailsafe.failIfNoSpecifiedTests=false");
    System.err.println("bench: " + String.join(" ", command));
    File log = out.resolve("logs").resolve("reliability.log").toFile();
    Process mvn =
        new ProcessBuilder(command)
            .directory(repositoryRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start();
    if (mvn.waitFor() != 0) {
      throw new IllegalStateException("a reliability test failed; see " + log);
    }
    StringBuilder md =
        new StringBuilder("<!-- generated by `")
            .append(String.join(" ", command))
            .append("` at ")
            .append(Instant.now())
            .append(" -->\n");
    for (String line : Files.readAllLines(log.toPath())) {
      if (line.startsWith("[reliability] ")) {
        md.append("- ").append(line.substring("[reliability] ".length())).append('\n');
      }
    }
    Files.writeString(out.resolve("reliability.md"), md);
    System.out.print(md);
    return md.toString();
  }

  private String commandLine() {
    StringBuilder c = new StringBuilder("./subminute bench");
    if (quick) {
      c.append(" --quick");
    }
    if (reliability) {
      c.append(" --reliability");
    }
    if (!rows.equals(".*")) {
      c.append(" --rows '").append(rows).append('\'');
    }
    if (runs != 3) {
      c.append(" --runs ").append(runs);
    }
    return c.toString();
  }

  /** Runs a row {@link #runs} times; a JMH row yields one result per benchmark method. */
  private List<BenchResult> run(BenchRow row) throws IOException, InterruptedException {
    if (row.jmh()) {
      Path json = out.resolve("logs").resolve(row.id() + "-jmh.json");
      List<String> command = new ArrayList<>(row.command());
      command.addAll(List.of("-f", Integer.toString(runs), "-rf", "json", "-rff", json.toString()));
      execute(row, command, 1);
      return Jmh.results(row, new ObjectMapper().readTree(json.toFile()));
    }
    List<Map<String, Object>> summaries = new ArrayList<>();
    for (int n = 1; n <= runs; n++) {
      System.err.printf("bench: %s, run %d of %d%n", row.id(), n, runs);
      String runDir = out.resolve("logs").resolve(row.id() + "-" + n).toString();
      summaries.add(lastJsonLine(execute(row, row.commandFor(runDir), n)));
    }
    return List.of(BenchResult.of(row, summaries));
  }

  private String execute(BenchRow row, List<String> command, int n)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    full.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    full.addAll(row.jvmOptions());
    full.add("-cp");
    full.add(System.getProperty("java.class.path"));
    full.addAll(command);
    File log = out.resolve("logs").resolve(row.id() + "-" + n + ".log").toFile();
    Process process =
        new ProcessBuilder(full)
            .redirectError(log)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    String stdout = new String(process.getInputStream().readAllBytes());
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException(
          row.id() + " run " + n + " exited with " + exit + "; see " + log + "\n" + stdout);
    }
    return stdout;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> lastJsonLine(String stdout) throws IOException {
    String[] lines = stdout.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    if (!last.startsWith("{")) {
      throw new IllegalStateException("a benchmark's last line is not its JSON summary: " + last);
    }
    return new ObjectMapper().readValue(last, LinkedHashMap.class);
  }

  /** JMH's JSON result: each fork of a benchmark is one run. */
  static final class Jmh {
    private Jmh() {}

    static List<BenchResult> results(BenchRow row, JsonNode jmh) {
      List<BenchResult> results = new ArrayList<>();
      for (JsonNode benchmark : jmh) {
        String name = benchmark.path("benchmark").asText();
        String method = name.substring(name.lastIndexOf('.') + 1);
        List<Double> nanos = forkMeans(benchmark.path("primaryMetric").path("rawData"));
        List<Double> bytes =
            forkMeans(
                benchmark.path("secondaryMetrics").path("gc.alloc.rate.norm").path("rawData"));
        List<Map<String, Object>> forks = new ArrayList<>();
        for (int f = 0; f < nanos.size(); f++) {
          Map<String, Object> fork = new LinkedHashMap<>();
          fork.put("nsPerCall", round(nanos.get(f), 1));
          fork.put("bytesPerCall", f < bytes.size() ? round(bytes.get(f), 1) : null);
          fork.put(
              "jvm",
              benchmark.path("vmName").asText() + " " + benchmark.path("vmVersion").asText());
          forks.add(fork);
        }
        results.add(BenchResult.of(row.withId(row.id() + "-" + method, method), forks));
      }
      return results;
    }

    private static List<Double> forkMeans(JsonNode rawData) {
      List<Double> means = new ArrayList<>();
      for (JsonNode fork : rawData) {
        double sum = 0;
        for (JsonNode iteration : fork) {
          sum += iteration.asDouble();
        }
        means.add(sum / fork.size());
      }
      return means;
    }
  }

  static double round(double v, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(v * scale) / scale;
  }
}
