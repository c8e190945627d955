package dev.subminute.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What Linux's {@code /proc} tells about a process: CPU, memory, affinity, a thread's policy. */
public final class Proc {
  /** {@code USER_HZ}: the unit of utime and stime, 100 on every Linux this runs on. */
  public static final double CLOCK_TICKS_PER_SECOND = 100.0;

  private Proc() {}

  /** utime + stime of the process, in clock ticks. */
  public static long cpuTicks(long pid) {
    String[] fields = statFields(Path.of("/proc", Long.toString(pid), "stat"));
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  /**
   * The time the hypervisor gave core {@code cpu} to others while it had work ("steal" in {@code
   * /proc/stat}), in clock ticks (10 ms).
   */
  public static long stealTicks(int cpu) {
    for (String line : lines(Path.of("/proc/stat"))) {
      if (line.startsWith("cpu" + cpu + " ")) {
        return Long.parseLong(line.trim().split("\\s+")[8]);
      }
    }
    throw new IllegalStateException("no core " + cpu + " in /proc/stat");
  }

  /** A field of {@code /proc/<pid>/status} in kB, such as {@code VmHWM} (the peak resident set). */
  public static long statusKb(long pid, String field) {
    return Long.parseLong(status(pid, field).replaceAll("[^0-9]", ""));
  }

  public static String status(long pid, String field) {
    for (String line : lines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
  }

  /**
   * The scheduling policy and timer slack of the process's thread named {@code name}: what the host
   * runs its timer with.
   */
  public static Map<String, Object> thread(long pid, String name) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (Stream<Path> all = Files.list(tasks)) {
      Path task =
          all.filter(t -> read(t.resolve("comm")).trim().equals(name))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("no thread " + name + " in process " + pid));
      String[] stat = statFields(task.resolve("stat"));
      int policy = Integer.parseInt(stat[38]);
      Map<String, Object> thread = new LinkedHashMap<>();
      thread.put("name", name);
      thread.put(
          "policy",
          switch (policy) {
            case 0 -> "SCHED_OTHER";
            case 1 -> "SCHED_FIFO";
            case 2 -> "SCHED_RR";
            case 3 -> "SCHED_BATCH";
            case 5 -> "SCHED_IDLE";
            default -> "policy " + policy;
          });
      thread.put("nice", Integer.parseInt(stat[16]));
      // per thread the file is /proc/<tid>/timerslack_ns, not under task/
      Path slack = Path.of("/proc", task.getFileName().toString(), "timerslack_ns");
      thread.put("timerSlackNs", Long.parseLong(read(slack).trim()));
      return thread;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * utime + stime of the process's threads in clock ticks, summed by thread name with its digits
   * replaced by {@code #}, so that numbered threads (the collector's, the HTTP client's event
   * loops) count as one.
   */
  public static Map<String, Long> threadCpuTicks(long pid) {
    Map<String, Long> byName = new TreeMap<>();
    try (Stream<Path> all = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      all.forEach(
          task -> {
            String text;
            try {
              text = Files.readString(task.resolve("stat"));
            } catch (IOException ended) {
              return; // the thread ended between the listing and the read
            }
            String name =
                text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'))
                    .replaceAll("[0-9]+", "#");
            String[] fields = fieldsAfterName(text);
            byName.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return byName;
  }

  /** The 1-, 5- and 15-minute load averages. */
  public static String loadAverage() {
    String[] parts = read(Path.of("/proc/loadavg")).split(" ");
    return parts[0] + " " + parts[1] + " " + parts[2];
  }

  /** The fields after the command name, so that index 0 is the state (field 3 of proc(5)). */
  private static String[] statFields(Path stat) {
    return fieldsAfterName(read(stat));
  }

  private static String[] fieldsAfterName(String statText) {
    return statText.substring(statText.lastIndexOf(')') + 2).split(" ");
  }

  /** {@code ticks} of the kernel's CPU clock in ms. */
  public static long ticksToMs(long ticks) {
    return Math.round(ticks * 1_000 / CLOCK_TICKS_PER_SECOND);
  }

  private static Iterable<String> lines(Path file) {
    return read(file).lines().toList();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
