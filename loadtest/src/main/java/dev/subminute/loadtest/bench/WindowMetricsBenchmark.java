package dev.subminute.loadtest.bench;

import dev.subminute.controller.core.WindowMetrics;
import dev.subminute.controller.core.WindowResult;
import dev.subminute.controller.lambda.EmbeddedMetricFormat;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the controller Lambda spends at the end of each window on its CloudWatch metrics (one EMF
 * log line, written off the timer thread): the time and classes its construction (in the Lambda
 * init phase) and its first report take, then cost and bytes allocated per report, the line going
 * to a discarding stdout. Run it as on Lambda, where the EMF library writes to stdout:
 *
 * <p>{@code AWS_EMF_ENVIRONMENT=Local java -cp cli/target/subminute.jar
 * dev.subminute.loadtest.bench.WindowMetricsBenchmark}
 */
public final class WindowMetricsBenchmark {
  private static final int CALLS = 20_000;
  private static final int ROUNDS = 7;

  public static void main(String[] args) {
    PrintStream console = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    WindowResult result =
        new WindowResult(
            WindowResult.Action.CONTINUE, null, 1_000L, null, 8_400, 2, 1, 530, 910, null);
    ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
    int classesAtStart = classes.getLoadedClassCount();
    long startedAt = System.nanoTime();
    WindowMetrics metrics = new EmbeddedMetricFormat();
    long constructed = System.nanoTime();
    int classesConstructed = classes.getLoadedClassCount();
    metrics.windowEnded("bench-job", result);
    long firstReported = System.nanoTime();
    int classesFirstReport = classes.getLoadedClassCount();

    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5 * CALLS; i++) {
      metrics.windowEnded("bench-job", result);
    }
    double[] nanos = new double[ROUNDS];
    double[] bytes = new double[ROUNDS];
    for (int r = 0; r < ROUNDS; r++) {
      long allocBefore = threads.getCurrentThreadAllocatedBytes();
      long start = System.nanoTime();
      for (int i = 0; i < CALLS; i++) {
        metrics.windowEnded("bench-job", result);
      }
      nanos[r] = (System.nanoTime() - start) / (double) CALLS;
      bytes[r] = (threads.getCurrentThreadAllocatedBytes() - allocBefore) / (double) CALLS;
    }
    Arrays.sort(nanos);
    Arrays.sort(bytes);
    console.printf(
        Locale.ROOT,
        "window-end metrics: construction %.1f ms (%d classes loaded), first report %.1f ms"
            + " (%d classes); then %.0f ns/report (min %.0f, max %.0f), %.0f bytes/report;"
            + " median of %d rounds of %d%n",
        (constructed - startedAt) / 1e6,
        classesConstructed - classesAtStart,
        (firstReported - constructed) / 1e6,
        classesFirstReport - classesConstructed,
        nanos[ROUNDS / 2],
        nanos[0],
        nanos[ROUNDS - 1],
        bytes[ROUNDS / 2],
        ROUNDS,
        CALLS);
  }
}
