package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkerPolicyTest {
  static final String PREFIX = "arn:aws:lambda:eu-west-1:123456789012:function:";
  static final WorkerPolicy DEPLOYED =
      WorkerPolicy.allowing(List.of(PREFIX + "subminute-worker-*")).withFunctionArnPrefix(PREFIX);

  @Test
  void names_and_partial_arns_are_read_as_functions_of_the_deployment() {
    assertEquals(Optional.empty(), DEPLOYED.rejection("subminute-worker-probe"));
    assertEquals(Optional.empty(), DEPLOYED.rejection("subminute-worker-probe:live"));
    assertEquals(
        Optional.empty(), DEPLOYED.rejection("123456789012:function:subminute-worker-probe"));
    assertEquals(Optional.empty(), DEPLOYED.rejection(PREFIX + "subminute-worker-probe"));
    assertEquals(PREFIX + "subminute-worker-probe", DEPLOYED.fullArn("subminute-worker-probe"));
    assertEquals(
        "arn:aws:lambda:eu-west-1:210987654321:function:subminute-worker-probe",
        DEPLOYED.fullArn("210987654321:function:subminute-worker-probe"));
  }

  @Test
  void another_account_or_function_stays_refused_and_the_reason_shows_the_full_arn() {
    assertTrue(DEPLOYED.rejection("210987654321:function:subminute-worker-probe").isPresent());
    String reason = DEPLOYED.rejection("billing").orElseThrow();
    assertTrue(
        reason.startsWith("workerArn \"billing\" (" + PREFIX + "billing) is not among"), reason);
  }

  @Test
  void without_a_prefix_names_stay_names_as_on_the_embedded_runtime() {
    WorkerPolicy embedded = WorkerPolicy.allowing(List.of("log")).withFunctionArnPrefix(null);
    assertEquals(Optional.empty(), embedded.rejection("log"));
    assertEquals("log", embedded.fullArn("log"));
  }

  @Test
  void a_malformed_prefix_is_refused_with_what_it_should_be() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WorkerPolicy.allowing(List.of()).withFunctionArnPrefix("arn:aws:lambda:eu-west-1"));
    assertTrue(e.getMessage().contains("arn:<partition>:lambda:<region>:<account>:function:"));
  }
}
