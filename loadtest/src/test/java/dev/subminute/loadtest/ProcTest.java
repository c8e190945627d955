package dev.subminute.loadtest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcTest {
  @Test
  void a_busy_thread_counts_its_cpu_under_its_name_with_its_digits_folded() throws Exception {
    long self = ProcessHandle.current().pid();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Map<String, Long> before = Proc.threadCpuTicks(self);
    Thread busy =
        new Thread(
            () -> {
              long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
              long spin = 0;
              while (threads.getCurrentThreadCpuTime() < until) {
                spin++;
              }
              if (spin < 0) {
                throw new IllegalStateException();
              }
            },
            "busy-worker-7");
    busy.start();
    // read while it runs: an ended thread leaves the process's task list
    Map<String, Long> during = Proc.threadCpuTicks(self);
    while (busy.isAlive() && during.getOrDefault("busy-worker-#", 0L) < 20) {
      Thread.sleep(20);
      during = Proc.threadCpuTicks(self);
    }
    busy.join();
    assertTrue(!before.containsKey("busy-worker-#"), before.toString());
    // 300 ms of CPU is 30 clock ticks; the kernel samples them, so allow for its rounding
    assertTrue(during.getOrDefault("busy-worker-#", 0L) >= 20, during.toString());
  }
}
