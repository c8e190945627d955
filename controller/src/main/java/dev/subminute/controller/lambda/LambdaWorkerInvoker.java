package dev.subminute.controller.lambda;

import dev.subminute.controller.core.WorkerInvoker;
import dev.subminute.model.WorkerEvent;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaAsyncClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;

/** Invokes workers asynchronously (InvocationType EVENT): Lambda queues the event and returns. */
public final class LambdaWorkerInvoker implements WorkerInvoker {
  private final LambdaAsyncClient lambda;

  public LambdaWorkerInvoker(LambdaAsyncClient lambda) {
    this.lambda = lambda;
  }

  @Override
  public CompletableFuture<Void> invoke(String workerArn, WorkerEvent event) {
    return lambda
        .invoke(
            r ->
                r.functionName(workerArn)
                    .invocationType(InvocationType.EVENT)
                    .payload(SdkBytes.fromUtf8String(event.toJson())))
        .thenAccept(
            response -> {
              if (response.functionError() != null) {
                throw new IllegalStateException(
                    "invoke of " + workerArn + " failed: " + response.functionError());
              }
            });
  }
}
