package dev.subminute.loadtest.aws;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;

/** What the harness needs of a deployed stack, from its CloudFormation outputs. */
public record DeployedStack(String tableName, String driftProbeArn, String probeLogGroup) {

  public static DeployedStack describe(CloudFormationClient cloudFormation, String stackName) {
    List<Output> outputs =
        cloudFormation.describeStacks(r -> r.stackName(stackName)).stacks().get(0).outputs();
    return fromOutputs(
        stackName,
        outputs.stream().collect(Collectors.toMap(Output::outputKey, Output::outputValue)));
  }

  static DeployedStack fromOutputs(String stackName, Map<String, String> outputs) {
    return new DeployedStack(
        required(stackName, outputs, "TableName"),
        required(stackName, outputs, "DriftProbeWorkerArn"),
        required(stackName, outputs, "DriftProbeLogGroupName"));
  }

  private static String required(String stackName, Map<String, String> outputs, String key) {
    String value = outputs.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "stack "
              + stackName
              + " has no output "
              + key
              + "; deploy this version of infra/ (see the README, Deploy to AWS)");
    }
    return value;
  }
}
