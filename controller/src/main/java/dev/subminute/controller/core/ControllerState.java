package dev.subminute.controller.core;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The state machine's state between controller windows: the input of one window is the output of
 * the one before. JSONPath in the state machine reads {@code action}, {@code resumeAt}, {@code
 * continueAsNew} and {@code nextExecutionName}.
 *
 * @param owner the lease owner: the name of the execution that first ran the job, kept across
 *     continue-as-new
 * @param lastPlannedAt the last planned instant fired or counted missed, epoch ms
 * @param windows windows run by this execution, for continue-as-new before the history limit
 * @param generation how many times the execution continued as new
 * @param action what the state machine does next, written as the enum's name for its Choice states;
 *     null before the first window
 * @param resumeAt for WAIT: ISO-8601 instant for the Wait state's TimestampPath
 * @param unreportedTicks ticks not yet added to the item (a status write failed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ControllerState(
    String jobId,
    String owner,
    Long lastPlannedAt,
    int windows,
    int generation,
    WindowResult.Action action,
    String resumeAt,
    Long resumeAtMs,
    String reason,
    long unreportedTicks,
    long unreportedMissed,
    boolean continueAsNew,
    String nextExecutionName) {

  public static ControllerState start(String jobId, String owner) {
    return new ControllerState(jobId, owner, null, 0, 0, null, null, null, null, 0, 0, false, null);
  }

  /** The input of the next execution when this one continues as new. */
  public ControllerState continuedAsNew() {
    return new ControllerState(
        jobId,
        owner,
        lastPlannedAt,
        0,
        generation + 1,
        null,
        null,
        null,
        null,
        unreportedTicks,
        unreportedMissed,
        false,
        null);
  }
}
