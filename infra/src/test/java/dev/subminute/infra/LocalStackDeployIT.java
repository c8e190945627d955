package dev.subminute.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.testing.Await;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The generated template deployed to LocalStack, a job put in its table, and the job ticking:
 * status RUNNING and ticks counted by the deployed controller. Needs Docker; where there is none
 * (as on the reference machine) the test disables itself.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackDeployIT {
  @Container
  static final LocalStackContainer LOCALSTACK =
      new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.4"));

  <B extends software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>, C> C client(
      B builder) {
    return builder
        .endpointOverride(LOCALSTACK.getEndpoint())
        .region(Region.of(LOCALSTACK.getRegion()))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
        .build();
  }

  @Test
  void the_template_deploys_and_a_job_ticks() throws Exception {
    Path root = SubminuteApp.repositoryRoot();
    S3Client s3 = client(S3Client.builder().forcePathStyle(true));
    s3.createBucket(r -> r.bucket("subminute-code"));
    s3.putObject(
        r -> r.bucket("subminute-code").key("controller.jar"),
        RequestBody.fromFile(
            root.resolve("controller/target/subminute-controller-0.1.0-SNAPSHOT-lambda.jar")));
    s3.putObject(
        r -> r.bucket("subminute-code").key("worker.jar"),
        RequestBody.fromFile(
            root.resolve("worker/target/subminute-worker-0.1.0-SNAPSHOT-lambda.jar")));
    CloudFormationClient cloudFormation = client(CloudFormationClient.builder());
    String template = TemplateWriter.standaloneYaml();
    cloudFormation.createStack(
        r ->
            r.stackName("Subminute")
                .templateBody(template)
                .capabilities(Capability.CAPABILITY_IAM)
                .parameters(
                    Parameter.builder()
                        .parameterKey("CodeBucket")
                        .parameterValue("subminute-code")
                        .build(),
                    Parameter.builder()
                        .parameterKey("ControllerCodeKey")
                        .parameterValue("controller.jar")
                        .build(),
                    Parameter.builder()
                        .parameterKey("WorkerCodeKey")
                        .parameterValue("worker.jar")
                        .build()));
    cloudFormation.waiter().waitUntilStackCreateComplete(r -> r.stackName("Subminute"));
    Map<String, String> outputs =
        cloudFormation
            .describeStacks(r -> r.stackName("Subminute"))
            .stacks()
            .get(0)
            .outputs()
            .stream()
            .collect(Collectors.toMap(Output::outputKey, Output::outputValue));
    DynamoDbClient dynamo = client(DynamoDbClient.builder());
    JobTable table = new JobTable(dynamo, outputs.get("TableName"));
    dynamo.putItem(
        r ->
            r.tableName(table.name())
                .item(
                    Map.of(
                        "jobId",
                        AttributeValue.fromS("probe"),
                        "workerArn",
                        AttributeValue.fromS(outputs.get("DriftProbeWorkerArn")),
                        "intervalMs",
                        AttributeValue.fromN("1000"),
                        "running",
                        AttributeValue.fromBool(true))));
    Await.until(
        "the deployed controller ticks the job",
        180_000,
        () -> table.get("probe").map(JobStatusView::of).map(JobStatusView::ticks).orElse(0L) > 0);
    assertEquals(JobStatus.RUNNING, JobStatusView.of(table.get("probe").orElseThrow()).status());
  }
}
