package dev.subminute.controller.host;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of host executions: slot {@code k} runs as {@code host-k}, and continues as new as {@code
 * host-k-g1}, {@code host-k-g2}, ...: deterministic, so a scaler that starts a slot twice starts it
 * once, and the slot of any execution is known from its name.
 */
public final class HostNames {
  private static final Pattern GENERATION = Pattern.compile("-g(\\d+)$");

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

  /**
   * The name an execution continues as: its generation plus one. Counting on from the scaler's
   * start minute keeps a restarted slot's continuations apart from an earlier chain's.
   */
  public static String continued(String executionName) {
    Matcher generation = GENERATION.matcher(executionName);
    long next = generation.find() ? Long.parseLong(generation.group(1)) + 1 : 1;
    return slotOf(executionName) + "-g" + next;
  }
}
