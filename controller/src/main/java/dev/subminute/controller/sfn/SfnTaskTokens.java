package dev.subminute.controller.sfn;

import dev.subminute.controller.host.JobEnding;
import dev.subminute.controller.host.TaskTokens;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/** Task tokens completed through Step Functions' SendTaskSuccess and SendTaskFailure. */
public final class SfnTaskTokens implements TaskTokens {
  private static final int MAX_CAUSE = 32_768;

  private final SfnClient sfn;

  public SfnTaskTokens(SfnClient sfn) {
    this.sfn = sfn;
  }

  @Override
  public boolean complete(String taskToken, JobEnding ending) {
    try {
      if (ending.failed()) {
        String cause = ending.reason();
        sfn.sendTaskFailure(
            r ->
                r.taskToken(taskToken)
                    .error(ending.error())
                    .cause(cause.length() > MAX_CAUSE ? cause.substring(0, MAX_CAUSE) : cause));
      } else {
        sfn.sendTaskSuccess(r -> r.taskToken(taskToken).output(ending.outputJson()));
      }
      return true;
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException gone) {
      return false;
    }
  }
}
