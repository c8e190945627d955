package dev.subminute.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.BootstraplessSynthesizer;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.IStackSynthesizer;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.lambda.CfnParametersCodeProps;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * The CDK app: {@code cdk deploy} from {@code infra/} synthesizes it with the jars the build made.
 * The context value {@code subminute:code=parameters} instead takes the code from an S3 bucket
 * named by template parameters: that is the template kept in the repository.
 */
public final class SubminuteApp {
  /** The file names the build gives the Lambda packages: also the default S3 keys. */
  public static final String CONTROLLER_JAR = "subminute-controller-0.1.0-SNAPSHOT-lambda.jar";

  public static final String WORKER_JAR = "subminute-worker-0.1.0-SNAPSHOT-lambda.jar";

  private SubminuteApp() {}

  public static void main(String[] args) {
    App app = new App();
    if ("parameters".equals(app.getNode().tryGetContext("subminute:code"))) {
      standalone(app);
    } else {
      build(app, codeFromBuild(repositoryRoot()), null);
    }
    app.synth();
  }

  /** The stack for {@code cdk deploy}: jars uploaded as assets (needs {@code cdk bootstrap}). */
  public static SubminuteStack build(
      App app, SubminuteStack.LambdaCode code, IStackSynthesizer synthesizer) {
    Object name = app.getNode().tryGetContext("subminute:stackName");
    StackProps.Builder props =
        StackProps.builder().description("subminute: sub-second timers on AWS serverless");
    if (synthesizer != null) {
      props.synthesizer(synthesizer);
    }
    SubminuteStack stack =
        new SubminuteStack(app, name == null ? "Subminute" : name.toString(), props.build(), code);
    Aspects.of(app).add(new AwsSolutionsChecks());
    return stack;
  }

  /** The stack as a plain CloudFormation template: code from S3 parameters, no bootstrap needed. */
  public static SubminuteStack standalone(App app) {
    return build(app, codeFromParameters(), new BootstraplessSynthesizer());
  }

  /** The Lambda jars from {@code controller/target} and {@code worker/target}. */
  public static SubminuteStack.LambdaCode codeFromBuild(Path root) {
    Path controller = root.resolve("controller/target").resolve(CONTROLLER_JAR);
    Path workers = root.resolve("worker/target").resolve(WORKER_JAR);
    for (Path jar : new Path[] {controller, workers}) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            jar + " is missing; build it first with `mvn -B package -DskipTests` at " + root);
      }
    }
    return new SubminuteStack.LambdaCode() {
      @Override
      public Code controller(Construct scope) {
        return Code.fromAsset(controller.toString());
      }

      @Override
      public String controllerRevision(Construct scope) {
        return "from the build (the asset hash names the version)";
      }

      @Override
      public Code workers(Construct scope) {
        return Code.fromAsset(workers.toString());
      }
    };
  }

  /** The code from S3: parameters CodeBucket, ControllerCodeKey and WorkerCodeKey. */
  public static SubminuteStack.LambdaCode codeFromParameters() {
    return new SubminuteStack.LambdaCode() {
      private Code controller;
      private Code workers;
      private CfnParameter bucket;
      private CfnParameter controllerKey;

      private CfnParameter bucket(Construct scope) {
        if (bucket == null) {
          bucket =
              CfnParameter.Builder.create(scope, "CodeBucket")
                  .type("String")
                  .description(
                      "S3 bucket holding the two Lambda jars (see the README, Deploy to AWS)")
                  .build();
        }
        return bucket;
      }

      @Override
      public Code controller(Construct scope) {
        if (controller == null) {
          controllerKey = key(scope, "ControllerCodeKey", CONTROLLER_JAR);
          controller = fromKey(scope, controllerKey);
        }
        return controller;
      }

      @Override
      public String controllerRevision(Construct scope) {
        controller(scope);
        return controllerKey.getValueAsString();
      }

      @Override
      public Code workers(Construct scope) {
        if (workers == null) {
          workers = fromKey(scope, key(scope, "WorkerCodeKey", WORKER_JAR));
        }
        return workers;
      }

      private CfnParameter key(Construct scope, String parameter, String jar) {
        return CfnParameter.Builder.create(scope, parameter)
            .type("String")
            .defaultValue(jar)
            .description("S3 key of " + jar + " (the file the build makes)")
            .build();
      }

      private Code fromKey(Construct scope, CfnParameter key) {
        return Code.fromCfnParameters(
            CfnParametersCodeProps.builder()
                .bucketNameParam(bucket(scope))
                .objectKeyParam(key)
                .build());
      }
    };
  }

  static Path repositoryRoot() {
    String configured = System.getProperty("subminute.root", System.getenv("SUBMINUTE_ROOT"));
    if (configured != null) {
      return Path.of(configured);
    }
    Path here = Path.of("").toAbsolutePath();
    return Files.exists(here.resolve("controller")) ? here : here.getParent();
  }
}
