package dev.subminute.controller.host;

import java.util.regex.Pattern;

/**
 * Names of host executions: slot {@code k} runs as {@code host-k}, and continues as new as {@code
 * host-k-g1}, {@code host-k-g2}, ...: deterministic, so a scaler that starts a slot twice starts it
 * once, and the slot of any execution is known from its name.
 */
public final class HostNames {
  private static final Pattern GENERATION = Pattern.compile("-g\\d+$");

  private HostNames() {}

  public static String slot(int k) {
    return "host-" + k;
  }

  /**
   * A fresh execution of slot {@code k}, as the scaler starts it: a name unused for 90 days (the
   * minute of the start), and the same for every scaler run within that minute.
   */
  public static String started(int k, long epochMinute) {
    return slot(k) + "-g" + epochMinute;
  }

  /** The slot number of an execution, or -1 for a name that is not a host's. */
  public static int slotNumber(String executionName) {
    String slot = slotOf(executionName);
    if (!slot.matches("host-\\d{1,6}")) {
      return -1;
    }
    return Integer.parseInt(slot.substring("host-".length()));
  }

  /** The slot name an execution belongs to. */
  public static String slotOf(String executionName) {
    return GENERATION.matcher(executionName).replaceFirst("");
  }

  public static String continued(String executionName, int generation) {
    return slotOf(executionName) + "-g" + generation;
  }
}
