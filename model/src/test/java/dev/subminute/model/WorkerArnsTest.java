package dev.subminute.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class WorkerArnsTest {

  @Test
  void the_function_name_is_read_from_a_name_an_arn_or_a_qualified_arn() {
    assertEquals("drift-probe", WorkerArns.functionName("drift-probe"));
    assertEquals(
        "drift-probe",
        WorkerArns.functionName("arn:aws:lambda:eu-west-1:123456789012:function:drift-probe"));
    assertEquals(
        "drift-probe",
        WorkerArns.functionName("arn:aws:lambda:eu-west-1:123456789012:function:drift-probe:live"));
    assertEquals("log", WorkerArns.functionName("123456789012:function:log"));
  }
}
