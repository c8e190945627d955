package dev.subminute.controller.testing;

import dev.subminute.controller.core.ControllerState;
import dev.subminute.controller.core.Executions;
import dev.subminute.controller.core.SharedExecutions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executions that are only recorded: what was started, stopped and is still running; dedicated
 * controllers' executions in {@link #started}, shared jobs' in {@link #startedShared}.
 */
public final class InMemoryExecutions implements Executions, SharedExecutions {
  public final Map<String, ControllerState> started = new LinkedHashMap<>();
  public final Map<String, String> startedShared = new LinkedHashMap<>();
  public final Map<String, ControllerState> running = new LinkedHashMap<>();
  public final List<String> stopped = new ArrayList<>();

  @Override
  public synchronized boolean start(String name, ControllerState input) {
    if (started.containsKey(name)) {
      return false;
    }
    started.put(name, input);
    running.put(name, input);
    return true;
  }

  @Override
  public synchronized boolean start(String name, String jobId) {
    return startedShared.putIfAbsent(name, jobId) == null;
  }

  @Override
  public synchronized List<RunningExecution> running() {
    return running.entrySet().stream()
        .map(
            e ->
                new RunningExecution(
                    e.getKey(), e.getKey(), e.getValue().jobId(), e.getValue().owner()))
        .toList();
  }

  @Override
  public synchronized void stop(RunningExecution execution, String cause) {
    running.remove(execution.name());
    stopped.add(execution.name() + ": " + cause);
  }
}
