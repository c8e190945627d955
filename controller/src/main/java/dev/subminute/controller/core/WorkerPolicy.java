package dev.subminute.controller.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which workers the controller may invoke: ARN patterns given at deploy time, {@code *} matching
 * any run of characters. The IAM policy grants exactly the same patterns. On AWS a job may name its
 * worker by function name or partial ARN, as Lambda allows: the policy matches the full ARN it
 * stands for in the deployment's region and account.
 */
public final class WorkerPolicy {
  private static final Pattern PARTIAL_ARN = Pattern.compile("[0-9]{12}:function:.+");

  private final List<String> patterns;
  private final List<Pattern> compiled;
  private final String functionArnPrefix;

  private WorkerPolicy(List<String> patterns, String functionArnPrefix) {
    this.patterns = List.copyOf(patterns);
    this.functionArnPrefix = functionArnPrefix;
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
    return new WorkerPolicy(patterns, null);
  }

  /**
   * The same policy, reading names and partial ARNs as functions of the deployment.
   *
   * @param functionArnPrefix {@code arn:<partition>:lambda:<region>:<account>:function:}, as the
   *     stack passes it; null or blank leaves worker names as they are (the embedded runtime)
   */
  public WorkerPolicy withFunctionArnPrefix(String functionArnPrefix) {
    boolean given = functionArnPrefix != null && !functionArnPrefix.isBlank();
    if (given && !functionArnPrefix.matches("arn:[a-z-]+:lambda:[a-z0-9-]+:[0-9]{12}:function:")) {
      throw new IllegalArgumentException(
          "FUNCTION_ARN_PREFIX \""
              + functionArnPrefix
              + "\" is not arn:<partition>:lambda:<region>:<account>:function:");
    }
    return new WorkerPolicy(patterns, given ? functionArnPrefix : null);
  }

  /** The full function ARN a worker name or partial ARN stands for; other values unchanged. */
  public String fullArn(String workerArn) {
    if (functionArnPrefix == null || workerArn.startsWith("arn:")) {
      return workerArn;
    }
    if (PARTIAL_ARN.matcher(workerArn).matches()) {
      return functionArnPrefix.substring(
              0, functionArnPrefix.length() - "123456789012:function:".length())
          + workerArn;
    }
    return functionArnPrefix + workerArn;
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
    String arn = fullArn(workerArn);
    for (Pattern p : compiled) {
      if (p.matcher(arn).matches()) {
        return Optional.empty();
      }
    }
    return Optional.of(
        "workerArn \""
            + workerArn
            + "\""
            + (arn.equals(workerArn) ? "" : " (" + arn + ")")
            + " is not among the workers this deployment may invoke ("
            + String.join(", ", patterns)
            + "); use one of those or redeploy with it added to the allow-list.");
  }
}
