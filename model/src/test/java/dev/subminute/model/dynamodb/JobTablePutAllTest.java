package dev.subminute.model.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.subminute.model.testing.SharedDynalite;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Raw items written in batches, on dynalite. */
class JobTablePutAllTest {

  @Test
  void writes_every_item_as_given_across_batches_of_25() throws InterruptedException {
    JobTable table = SharedDynalite.newTable("put-all");
    List<Map<String, AttributeValue>> items = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      items.add(
          Map.of(
              JobTable.JOB_ID,
              AttributeValue.fromS("job-" + i),
              "intervalMs",
              AttributeValue.fromS("not a number: past the validator")));
    }

    table.putAll(items);

    assertEquals(60, table.scanAll().count());
    assertEquals(items.get(59), table.get("job-59").orElseThrow());
  }
}
