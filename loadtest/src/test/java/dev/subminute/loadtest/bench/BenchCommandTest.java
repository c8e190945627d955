package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench command end to end on its quick rows (each run a process of its own), and the
 * arithmetic of its tables.
 */
class BenchCommandTest {

  @Test
  void quick_rows_run_three_times_each_and_land_in_json_and_the_markdown_table(@TempDir Path out)
      throws Exception {
    // a row measured by an earlier run: the tables keep it, saying when it was measured
    Map<String, Object> earlierRun = Map.of("arrivalDriftP99Ms", 1.5, "planned", 100, "fired", 100);
    Files.writeString(
        out.resolve("loadtest-1000.json"),
        new ObjectMapper()
            .writeValueAsString(
                Map.of(
                    "id", "loadtest-1000",
                    "label", "10 jobs",
                    "measuredAt", "2026-01-01T00:00:00Z",
                    "command", "java -cp earlier.jar EarlierLoadtest 10",
                    "runs", List.of(earlierRun, earlierRun, earlierRun))));
    int exit =
        new CommandLine(new BenchCommand())
            .execute(
                "--quick", "--rows", "grid|controller-100ms-lambda-like", "--out", out.toString());
    assertEquals(0, exit);
    JsonNode controller =
        new ObjectMapper().readTree(out.resolve("controller-100ms-lambda-like.json").toFile());
    assertEquals(3, controller.path("runs").size());
    for (JsonNode run : controller.path("runs")) {
      // start-up (a cold SDK client on one core) is inside the span: counts, not timing, here
      assertTrue(run.path("dispatched").asLong() > 0, run.toString());
      assertEquals(
          run.path("dispatched").asLong(),
          run.path("fired").asLong() + run.path("lostInDispatch").asLong(),
          run.toString());
      assertEquals(
          run.path("planned").asLong(),
          run.path("fired").asLong() + run.path("missed").asLong(),
          run.toString());
      assertEquals(0, run.path("duplicated").asLong(), run.toString());
      assertEquals(0, run.path("offGrid").asLong(), run.toString());
      assertEquals("DISABLED", run.path("timerTuning").path("realTimePriority").asText());
      assertEquals("DISABLED", run.path("timerTuning").path("timerSlack1ns").asText());
      assertTrue(run.path("cpuShare").asText().startsWith("1 core"), run.toString());
      assertEquals(1, run.path("machine").path("coresAvailable").asInt(), "pinned to one core");
    }
    double[] p99 = new double[3];
    for (int i = 0; i < 3; i++) {
      p99[i] = controller.path("runs").get(i).path("arrivalDriftP99Ms").asDouble();
    }
    java.util.Arrays.sort(p99);
    assertEquals(p99[1], controller.path("median").path("arrivalDriftP99Ms").asDouble());
    assertEquals(p99[0], controller.path("min").path("arrivalDriftP99Ms").asDouble());
    assertEquals(p99[2], controller.path("max").path("arrivalDriftP99Ms").asDouble());
    JsonNode cached =
        new ObjectMapper()
            .readTree(out.resolve("grid-profiledJobCachedSegmentNextAfter.json").toFile());
    assertEquals(3, cached.path("runs").size(), "one run per JMH fork");
    assertTrue(cached.path("median").path("nsPerCall").asDouble() > 0, cached.toString());
    String md = Files.readString(out.resolve("README-tables.md"));
    assertTrue(md.contains("| profiledJobCachedSegmentNextAfter | n/a |"), md);
    assertTrue(md.contains("| 1 job at 100 ms, 3 s | realTimePriority DISABLED"), md);
    long machineCores =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("processor"))
            .count();
    assertTrue(
        md.contains(", " + machineCores + " cores, "),
        "the machine's cores, not those a pinned run may use: " + md);
    assertTrue(md.contains("| 10 jobs | ") && md.contains(" | 1.5 | "), md);
    assertTrue(md.contains("Measured at: 2026-01-01T00:00:00Z (10 jobs)."), md);
    assertTrue(
        md.contains("| `java -cp earlier.jar EarlierLoadtest 10` |"), "its own command: " + md);
  }

  @Test
  void a_figure_is_the_median_of_the_runs_with_min_and_max_beside_it() {
    BenchRow row = BenchRow.all(true).get(2);
    BenchResult r =
        BenchResult.of(
            row,
            List.of(
                Map.of("arrivalDriftP99Ms", 0.5, "receiver", "x"),
                Map.of("arrivalDriftP99Ms", 0.25, "receiver", "x"),
                Map.of("arrivalDriftP99Ms", 2.0, "receiver", "x")));
    assertEquals(0.5, r.median().get("arrivalDriftP99Ms"));
    assertEquals("0.5 (0.25–2)", BenchTables.cell(r, "arrivalDriftP99Ms"));
    assertEquals("x", BenchTables.cell(r, "receiver"));
    assertEquals(1.5, BenchResult.median(new double[] {1, 2}));
  }

  @Test
  void a_row_filter_that_matches_nothing_names_the_rows() {
    CommandLine cli = new CommandLine(new BenchCommand());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> {
              try {
                cli.parseArgs("--rows", "nothing");
                ((BenchCommand) cli.getCommand()).call();
              } catch (Exception x) {
                throw x instanceof IllegalArgumentException i ? i : new RuntimeException(x);
              }
            });
    assertTrue(e.getMessage().contains("loadtest-10000"), e.getMessage());
  }
}
