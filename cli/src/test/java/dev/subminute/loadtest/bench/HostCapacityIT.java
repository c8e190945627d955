package dev.subminute.loadtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host-capacity harness end to end, briefly: the host as its own pinned JVM (the subminute jar
 * this module builds), dynalite, the SDK's Lambda client and the loopback endpoint; its counting
 * must see every planned invoke once, the timer must run untuned, as on Lambda, and the idle core's
 * wake-up floor is measured first.
 */
class HostCapacityIT {

  @Test
  void a_short_run_counts_every_planned_invoke_once_with_the_timer_untuned() throws Exception {
    Path root = Path.of(System.getProperty("subminute.root", ".."));
    Path out = root.resolve("cli/target/host-capacity-it");
    HostCapacityBenchmark bench = new HostCapacityBenchmark();
    bench.jobs = 50;
    bench.interval = "1s";
    bench.duration = "5s";
    bench.window = "60s";
    bench.warmup = "3s";
    bench.floor = "2s";
    bench.hostCpu = 1;
    bench.nice = 0;
    bench.answerDelay = "20ms";
    bench.connections = 64;
    bench.jvmOptions = HostCapacityBenchmark.LAMBDA_JVM;
    bench.out = out;
    bench.seed = 1;
    bench.classpath = root.resolve("cli/target/subminute.jar").toString();

    Map<String, Object> run = bench.run(50, "smoke");

    long planned = ((Number) run.get("planned")).longValue();
    assertTrue(planned >= 250, "50 jobs at 1 s over 5 s plan 250 invokes: " + run);
    assertEquals(planned, ((Number) run.get("received")).longValue(), run.toString());
    assertEquals(0L, ((Number) run.get("missed")).longValue(), run.toString());
    assertEquals(0L, ((Number) run.get("duplicated")).longValue(), run.toString());
    assertEquals(0L, ((Number) run.get("offGrid")).longValue(), run.toString());
    assertEquals(0L, ((Number) run.get("rejectedRequests")).longValue(), run.toString());
    assertEquals("1", run.get("hostPinnedTo"));
    @SuppressWarnings("unchecked")
    Map<String, Object> timer = (Map<String, Object>) run.get("timerThread");
    assertEquals("SCHED_OTHER", timer.get("policy"));
    assertNotEquals(1L, ((Number) timer.get("timerSlackNs")).longValue());
    // as on Lambda, no thread above nice 0; the host's work beside its ticks below it
    assertEquals(0, ((Number) timer.get("nice")).intValue(), timer.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> poll = (Map<String, Object>) run.get("pollThread");
    assertEquals(4, ((Number) poll.get("nice")).intValue(), poll.toString());
    Map<?, ?> compiler = (Map<?, ?>) run.get("compilerThread");
    assertEquals(4, ((Number) compiler.get("nice")).intValue(), compiler.toString());
    // the invokes prepared ahead below the sender that releases them; the collector below both
    Map<?, ?> dispatch = (Map<?, ?>) run.get("dispatchThread");
    assertEquals(4, ((Number) dispatch.get("nice")).intValue(), dispatch.toString());
    Map<?, ?> sender = (Map<?, ?>) run.get("senderThread");
    assertEquals(0, ((Number) sender.get("nice")).intValue(), sender.toString());
    Map<?, ?> collector = (Map<?, ?>) run.get("collectorThread");
    assertEquals(10, ((Number) collector.get("nice")).intValue(), collector.toString());
    assertTrue(((Number) run.get("hostCpuCores")).doubleValue() > 0, run.toString());
    assertTrue(((Number) run.get("hostPeakRssMb")).longValue() > 0, run.toString());
    @SuppressWarnings("unchecked")
    Map<String, Object> floor = (Map<String, Object>) run.get("idleCoreFloor");
    assertEquals(200, ((Number) floor.get("wakeups")).longValue(), "2 s at 10 ms: " + floor);
    assertTrue(run.get("stealMsBySecondOfSpan") instanceof Map, run.toString());
    assertEquals(5, ((Map<?, ?>) run.get("dynaliteCpuMsBySecondOfSpan")).size(), run.toString());
    assertTrue(run.get("endpointGcPauseMsBySecondOfSpan") instanceof Map, run.toString());
    assertTrue(run.get("hostThreadCpuMsMedianSecond") instanceof Map, run.toString());
    assertTrue(run.get("hostThreadCpuMsInLateSeconds") instanceof Map, run.toString());
    long endpointPausesMs =
        ((Map<?, ?>) run.get("endpointGcPauseMsBySecondOfSpan"))
            .values().stream().mapToLong(ms -> ((Number) ms).longValue()).sum();
    assertTrue(
        ((Number) run.get("endpointGcPauseMaxMs")).longValue() <= endpointPausesMs, run.toString());
    assertTrue(Files.exists(out.resolve("smoke-50-1s-5s.json")));
  }
}
