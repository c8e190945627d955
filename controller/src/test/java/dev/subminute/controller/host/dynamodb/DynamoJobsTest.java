package dev.subminute.controller.host.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.WorkerPolicy;
import dev.subminute.controller.host.HostJobView;
import dev.subminute.model.Job;
import dev.subminute.model.JobStatus;
import dev.subminute.model.dynamodb.JobAttributes;
import dev.subminute.model.dynamodb.JobTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A host reads every item of its shards each second; only a changed item is decided again. */
class DynamoJobsTest {
  static final WorkerPolicy POLICY = WorkerPolicy.allowing(List.of("log"));

  /** A fresh copy each call, as every read returns new objects. */
  static Map<String, AttributeValue> item(long intervalMs, String status, long lastTickAt) {
    Map<String, AttributeValue> item =
        new HashMap<>(JobAttributes.of(Job.builder("j", "log", intervalMs).build()));
    item.put(JobTable.STATUS, AttributeValue.fromS(status));
    item.put(JobTable.LAST_TICK_AT, AttributeValue.fromN(Long.toString(lastTickAt)));
    return item;
  }

  @Test
  void an_unchanged_item_keeps_its_decision_and_a_status_write_changes_only_the_view() {
    DynamoJobs jobs = new DynamoJobs(null, POLICY);
    Map<String, AttributeValue> firstRead = item(1_000, "RUNNING", 1);
    HostJobView first = jobs.views(List.of(firstRead)).get(0);
    HostJobView again = jobs.views(List.of(item(1_000, "RUNNING", 1))).get(0);
    HostJobView ticked = jobs.views(List.of(item(1_000, "STOPPED", 2))).get(0);

    // the later reads are not held: each young collection would otherwise copy them all
    assertSame(firstRead, jobs.decidedItem("j").orElseThrow());
    assertSame(first.decision(), again.decision());
    assertSame(first.decision(), ticked.decision());
    assertEquals(JobStatus.STOPPED, ticked.status());
    assertEquals(2L, ticked.lastTickAt());
  }

  @Test
  void a_changed_user_attribute_is_decided_again() {
    DynamoJobs jobs = new DynamoJobs(null, POLICY);
    HostJobView before = jobs.views(List.of(item(1_000, "RUNNING", 1))).get(0);
    HostJobView after = jobs.views(List.of(item(2_000, "RUNNING", 1))).get(0);

    assertNotSame(before.decision(), after.decision());
    assertEquals("2000", jobs.decidedItem("j").orElseThrow().get("intervalMs").n());
    assertTrue(after.decision().toString().contains("2000"), after.decision().toString());
  }

  @Test
  void attributes_added_or_removed_count_as_a_change_system_ones_do_not() {
    Map<String, AttributeValue> before = item(1_000, "RUNNING", 1);
    Map<String, AttributeValue> added = new HashMap<>(before);
    added.put("payload", AttributeValue.fromS("{}"));
    Map<String, AttributeValue> flushed = new HashMap<>(before);
    flushed.put(JobTable.TICKS, AttributeValue.fromN("7"));

    assertTrue(DynamoJobs.sameUserAttributes(before, item(1_000, "RUNNING", 1)));
    assertFalse(DynamoJobs.sameUserAttributes(before, added));
    assertFalse(DynamoJobs.sameUserAttributes(added, before));
    assertTrue(DynamoJobs.sameUserAttributes(before, flushed));
  }
}
