package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.testing.LocalController;
import dev.subminute.controller.testing.RecordingInvoker;
import dev.subminute.model.Job;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.SharedDynalite;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DedicatedControllerTest {

  @Test
  void the_assembly_ticks_through_its_invoker_listener_and_metrics_and_closes_its_threads()
      throws Exception {
    JobTable table = SharedDynalite.newTable("dedicated");
    table.putIfAbsent(Job.builder("wired", "log", 100).build());
    RecordingInvoker invoker = new RecordingInvoker();
    AtomicInteger listened = new AtomicInteger();
    List<WindowResult> windows = new CopyOnWriteArrayList<>();
    DedicatedController dedicated =
        DedicatedController.builder(
                new DynamoJobStore(table), invoker, WorkerPolicy.allowing(List.of("log")))
            .config(LocalController.FAST)
            .listener(
                new TickListener() {
                  @Override
                  public void fired(String jobId, long plannedAt, long driftNanos) {
                    listened.incrementAndGet();
                  }
                })
            .metrics((jobId, result) -> windows.add(result))
            .timerThreadName("wired-timer")
            .start();
    try {
      ControllerState out =
          dedicated
              .controller()
              .runWindow(
                  ControllerState.start("wired", "exec-a"),
                  dedicated.time().monoNanos() + 500_000_000L)
              .get(10, TimeUnit.SECONDS);

      assertEquals(WindowResult.Action.CONTINUE, out.action());
      assertTrue(invoker.events.size() >= 3, "fired " + invoker.events.size());
      assertEquals(invoker.events.size(), listened.get());
      assertEquals(1, windows.size());
      assertEquals(invoker.events.size(), windows.get(0).fired());
      assertTrue(threadAlive("wired-timer"));
    } finally {
      dedicated.close();
    }
    assertFalse(threadAlive("wired-timer"), "close ends the timer thread");
  }

  private static boolean threadAlive(String name) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals(name) && t.isAlive());
  }
}
