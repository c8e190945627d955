package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.subminute.controller.host.JobEnding;
import dev.subminute.controller.host.TaskTokens;
import dev.subminute.controller.sfn.SfnTaskTokens;
import dev.subminute.model.dynamodb.JobTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * On the table's stream (REMOVE records): a deleted item took its task token with it, so the token
 * comes from the record's old image, and the parked execution ends SUCCEEDED with the reason. A
 * record that cannot be completed for a passing reason is retried.
 */
public final class DeletedJobsHandler
    implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private final TaskTokens tokens;

  public DeletedJobsHandler() {
    this(new SfnTaskTokens(SfnClient.create()));
  }

  public DeletedJobsHandler(TaskTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
      if (!"REMOVE".equals(record.getEventName()) || record.getDynamodb() == null) {
        continue;
      }
      Map<String, AttributeValue> old = record.getDynamodb().getOldImage();
      AttributeValue token = old == null ? null : old.get(JobTable.TASK_TOKEN);
      if (token == null || token.getS() == null) {
        continue;
      }
      try {
        tokens.complete(token.getS(), JobEnding.deleted());
      } catch (RuntimeException passing) {
        failures.add(
            StreamsEventResponse.BatchItemFailure.builder()
                .withItemIdentifier(record.getDynamodb().getSequenceNumber())
                .build());
      }
    }
    return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
  }
}
