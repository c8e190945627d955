package dev.subminute.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IGrantable;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/** What every part of the stack builds the same way: Java functions, grants, nag suppressions. */
final class StackParts {
  private StackParts() {}

  /** A Java 21 arm64 function with its own log group, kept a month and removed with the stack. */
  static Function javaFunction(
      Construct scope,
      String id,
      Code code,
      String handler,
      int memoryMb,
      Duration timeout,
      Map<String, String> env,
      String description) {
    LogGroup logs =
        LogGroup.Builder.create(scope, id + "Logs")
            .retention(RetentionDays.ONE_MONTH)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    return Function.Builder.create(scope, id)
        .runtime(Runtime.JAVA_21)
        .architecture(Architecture.ARM_64)
        .handler(handler)
        .code(code)
        .memorySize(memoryMb)
        .timeout(timeout)
        .environment(env)
        .logGroup(logs)
        .description(description)
        .build();
  }

  /** Lets {@code grantee} make exactly these calls on exactly this resource. */
  static void allow(IGrantable grantee, List<String> actions, String resource) {
    grantee
        .getGrantPrincipal()
        .addToPrincipalPolicy(
            PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(List.of(resource))
                .build());
  }

  static NagPackSuppression suppression(String id, String reason) {
    return NagPackSuppression.builder().id(id).reason(reason).build();
  }

  /**
   * A map in the order written: Map.of iterates in an order that changes from run to run, and so
   * would the template.
   */
  @SuppressWarnings("unchecked")
  static <V> Map<String, V> ordered(Object... keysAndValues) {
    Map<String, V> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (V) keysAndValues[i + 1]);
    }
    return map;
  }
}
