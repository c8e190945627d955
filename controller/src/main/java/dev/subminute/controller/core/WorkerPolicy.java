package dev.subminute.controller.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which workers the controller may invoke: ARN patterns given at deploy time, {@code *} matching
 * any run of characters. The IAM policy grants exactly the same patterns.
 */
public final class WorkerPolicy {
  private final List<String> patterns;
  private final List<Pattern> compiled;

  private WorkerPolicy(List<String> patterns) {
    this.patterns = List.copyOf(patterns);
    this.compiled =
        patterns.stream()
            .map(
                p ->
                    Pattern.compile(
                        p.chars()
                            .mapToObj(c -> c == '*' ? ".*" : Pattern.quote(Character.toString(c)))
                            .collect(Collectors.joining())))
            .toList();
  }

  public static WorkerPolicy allowing(List<String> patterns) {
    return new WorkerPolicy(patterns);
  }

  /** From a comma-separated list such as the stack's {@code ALLOWED_WORKERS} variable. */
  public static WorkerPolicy parse(String commaSeparated) {
    return allowing(
        commaSeparated == null
            ? List.of()
            : java.util.Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList());
  }

  /** Why {@code workerArn} may not be invoked, or empty when it may. */
  public Optional<String> rejection(String workerArn) {
    for (Pattern p : compiled) {
      if (p.matcher(workerArn).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "workerArn \""
            + workerArn
            + "\" is not among the workers this deployment may invoke ("
            + String.join(", ", patterns)
            + "); use one of those or redeploy with it added to the allow-list.");
  }
}
