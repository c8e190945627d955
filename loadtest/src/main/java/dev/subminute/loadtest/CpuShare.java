package dev.subminute.loadtest;

import java.io.IOException;

/** Limits this JVM to one core, as Lambda gives a function about one vCPU. */
public final class CpuShare {
  private CpuShare() {}

  /**
   * Pins every thread of this process to the last core with {@code taskset}; threads started later
   * inherit it. Helper processes started before (dynalite) keep every core, as DynamoDB is not on
   * the function's core either. Says what took effect.
   */
  public static String pinToOneCore() {
    int core = Runtime.getRuntime().availableProcessors() - 1;
    String pid = Long.toString(ProcessHandle.current().pid());
    try {
      Process taskset =
          new ProcessBuilder("taskset", "-a", "-p", "-c", Integer.toString(core), pid)
              .redirectErrorStream(true)
              .start();
      String output = new String(taskset.getInputStream().readAllBytes()).strip();
      return taskset.waitFor() == 0
          ? "1 core (taskset, cpu " + core + ")"
          : "every core (taskset failed: " + output + ")";
    } catch (IOException e) {
      return "every core (taskset not available: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "every core (interrupted)";
    }
  }
}
