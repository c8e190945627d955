package dev.subminute.controller.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The JSON the state machine's Choice states read: {@code $.action} as the action's name. */
class ControllerStateTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void the_state_is_written_and_read_as_the_state_machine_expects() throws Exception {
    for (WindowResult.Action action : WindowResult.Action.values()) {
      ControllerState state =
          new ControllerState(
              "j",
              "exec-1",
              1_000L,
              3,
              1,
              action,
              "1970-01-01T00:00:05Z",
              5_000L,
              "why",
              2,
              1,
              true,
              "exec-1-2");
      String json =
          "{\"jobId\":\"j\",\"owner\":\"exec-1\",\"lastPlannedAt\":1000,\"windows\":3,"
              + "\"generation\":1,\"action\":\""
              + action.name()
              + "\",\"resumeAt\":\"1970-01-01T00:00:05Z\",\"resumeAtMs\":5000,\"reason\":\"why\","
              + "\"unreportedTicks\":2,\"unreportedMissed\":1,\"continueAsNew\":true,"
              + "\"nextExecutionName\":\"exec-1-2\"}";
      assertEquals(json, JSON.writeValueAsString(state));
      assertEquals(state, JSON.readValue(json, ControllerState.class));
    }
  }

  @Test
  void a_first_window_has_no_action_and_writes_none() throws Exception {
    ControllerState start = ControllerState.start("j", "exec-1");
    String json =
        "{\"jobId\":\"j\",\"owner\":\"exec-1\",\"windows\":0,\"generation\":0,"
            + "\"unreportedTicks\":0,\"unreportedMissed\":0,\"continueAsNew\":false}";
    assertEquals(json, JSON.writeValueAsString(start));
    assertEquals(
        start, JSON.readValue("{\"jobId\":\"j\",\"owner\":\"exec-1\"}", ControllerState.class));
  }
}
