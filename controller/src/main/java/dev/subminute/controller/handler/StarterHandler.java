package dev.subminute.controller.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.subminute.controller.core.Starter;
import dev.subminute.controller.dynamodb.DynamoJobStore;
import dev.subminute.controller.sfn.SfnExecutions;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * On the table's stream: starts the execution of every job whose new image should run. A record
 * that fails for a passing reason is reported as a batch item failure, so Lambda retries it (and
 * bisects the batch); a bad item is marked INVALID and never fails the batch.
 */
public final class StarterHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
  private final Starter starter;

  public StarterHandler() {
    Environment env = Environment.fromSystem();
    SfnClient sfn = SfnClient.create();
    JobTable table = new JobTable(DynamoClients.aws(), env.tableName());
    this.starter =
        new Starter(
            new DynamoJobStore(table),
            new SfnExecutions(sfn, env.stateMachineArn()),
            env.sharedExecutions(sfn),
            env.workerPolicy(),
            System::currentTimeMillis);
  }

  public StarterHandler(Starter starter) {
    this.starter = starter;
  }

  @Override
  public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
    List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
    for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
      String sequence =
          record.getDynamodb() == null
              ? record.getEventID()
              : record.getDynamodb().getSequenceNumber();
      try {
        Starter.Outcome outcome =
            starter.onRecord(
                record.getEventName(),
                sequence,
                record.getDynamodb() == null
                    ? null
                    : StreamImages.toItem(record.getDynamodb().getNewImage()));
        if (context != null && outcome == Starter.Outcome.INVALID) {
          context.getLogger().log("record " + sequence + ": item marked INVALID\n");
        }
      } catch (RuntimeException e) {
        if (context != null) {
          context.getLogger().log("record " + sequence + " failed, to be retried: " + e + "\n");
        }
        failures.add(
            StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build());
      }
    }
    return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
  }
}
