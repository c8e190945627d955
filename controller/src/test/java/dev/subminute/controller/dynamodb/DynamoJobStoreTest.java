package dev.subminute.controller.dynamodb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.subminute.controller.core.StorageException;
import dev.subminute.model.JobStatus;
import dev.subminute.model.JobValidation;
import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.StatusUpdate;
import dev.subminute.model.dynamodb.StoredJob;
import dev.subminute.model.testing.SharedDynalite;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoJobStoreTest {

  static Map<String, AttributeValue> item(String jobId) {
    return Map.of(
        "jobId", AttributeValue.fromS(jobId),
        "workerArn", AttributeValue.fromS("log"),
        "intervalMs", AttributeValue.fromN("1000"),
        "running", AttributeValue.fromBool(true));
  }

  @Test
  void reads_the_item_as_validated_job_and_written_status() {
    JobTable table = SharedDynalite.newTable("store");
    DynamoJobStore store = new DynamoJobStore(table);
    table.putIfAbsent(item("a"));
    assertTrue(
        store.writeStatusAsOwner(
            "a", "exec-a", 9_000, 1_000, StatusUpdate.of(JobStatus.RUNNING, "ok")));

    StoredJob read = store.read("a").orElseThrow();

    assertEquals("a", read.jobId());
    assertEquals(1_000, ((JobValidation.Valid) read.validation()).job().intervalMs());
    assertEquals(JobStatus.RUNNING, read.status().status());
    assertEquals("exec-a", read.status().owner());
    assertEquals(9_000, read.status().leaseUntil());
    assertFalse(read.enrolled());
    assertTrue(store.read("missing").isEmpty());
    assertEquals(1, store.readAll().size());
  }

  @Test
  void an_item_with_a_task_token_is_enrolled_on_the_shared_hosts() {
    Map<String, AttributeValue> enrolled = new HashMap<>(item("b"));
    enrolled.put(JobTable.TASK_TOKEN, AttributeValue.fromS("token-1"));

    assertTrue(StoredJob.of(enrolled).enrolled());
  }

  @Test
  void an_enrolled_item_is_never_leased_by_a_dedicated_controller() {
    JobTable table = SharedDynalite.newTable("store-enrolled");
    DynamoJobStore store = new DynamoJobStore(table);
    Map<String, AttributeValue> enrolled = new HashMap<>(item("c"));
    enrolled.put(JobTable.TASK_TOKEN, AttributeValue.fromS("token-1"));
    SharedDynalite.putRaw(table, enrolled);

    assertFalse(
        store.writeStatusAsOwner(
            "c", "exec-c", 9_000, 1_000, StatusUpdate.of(JobStatus.RUNNING, "ok")));
    StoredJob read = store.read("c").orElseThrow();
    assertTrue(read.enrolled());
    assertNull(read.status().owner());
  }

  @Test
  void an_item_whose_job_id_is_not_a_string_has_none() {
    StoredJob read = StoredJob.of(Map.of("jobId", AttributeValue.fromN("7")));

    assertNull(read.jobId());
    assertInstanceOf(JobValidation.Invalid.class, read.validation());
  }

  @Test
  void storage_out_of_reach_is_a_storage_exception_carrying_the_sdk_failure() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    DynamoJobStore store =
        new DynamoJobStore(
            new JobTable(
                DynamoClients.local(URI.create("http://127.0.0.1:" + closedPort)), "nowhere"));

    StorageException read = assertThrows(StorageException.class, () -> store.read("a"));
    assertInstanceOf(SdkException.class, read.getCause());
    assertTrue(read.getMessage().startsWith("the jobs table nowhere failed: "), read.getMessage());
    assertThrows(
        StorageException.class,
        () -> store.writeStatusUnowned("a", 1_000, StatusUpdate.of(JobStatus.INVALID, "bad")));
  }
}
