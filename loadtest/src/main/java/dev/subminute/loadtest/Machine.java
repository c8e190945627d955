package dev.subminute.loadtest;

import dev.subminute.controller.time.SystemTimeSource;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a figure was measured: the machine, the JVM and whether the timer's tuning took effect. */
public final class Machine {
  private Machine() {}

  public static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cpuModel", cpuModel());
    m.put("cores", machineCores());
    m.put("coresAvailable", Runtime.getRuntime().availableProcessors());
    m.put("memoryGb", memoryGb());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put(
        "jvm",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version", System.getProperty("java.version")));
    m.put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    return m;
  }

  /** Read once the timer thread has started: it tunes itself first thing. */
  public static Map<String, Object> timerTuning() {
    SystemTimeSource.Tuning tuning = SystemTimeSource.tuning();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("realTimePriority", tuning.realTimePriority().name());
    m.put("timerSlack1ns", tuning.timerSlack().name());
    return m;
  }

  private static String cpuModel() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse(System.getProperty("os.arch"));
    } catch (Exception notLinux) {
      return System.getProperty("os.arch");
    }
  }

  /** The machine's cores, whatever this process is pinned to (which {@code coresAvailable} is). */
  private static long machineCores() {
    try {
      return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("processor"))
          .count();
    } catch (Exception notLinux) {
      return Runtime.getRuntime().availableProcessors();
    }
  }

  private static long memoryGb() {
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
  }
}
