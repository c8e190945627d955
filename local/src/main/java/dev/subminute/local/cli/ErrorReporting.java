package dev.subminute.local.cli;

import dev.subminute.model.jobs.JobsException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every error a user can cause is one line on standard error that says what to do, and a non-zero
 * exit code; the stack trace only with {@code --verbose}.
 */
final class ErrorReporting
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
  static final int FAILED = 1;
  static final int NOT_FOUND = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;
  static final int CONFLICT = 4;
  static final int STORAGE_DIED = 5;
  static final String VERBOSE = "--verbose";

  @Override
  public int handleParseException(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println(
        "subminute: "
            + firstLine(e.getMessage())
            + " (see `"
            + e.getCommandLine().getCommandSpec().qualifiedName()
            + " --help`)");
    if (java.util.Arrays.asList(args).contains(VERBOSE)) {
      e.printStackTrace(err);
    }
    err.flush();
    return BAD_INPUT;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    PrintWriter err = command.getErr();
    err.println("subminute: " + firstLine(message(e)));
    if (verbose(parsed)) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode(e);
  }

  private static String message(Exception e) {
    if (e instanceof JobsException.Unreachable) {
      return e.getMessage()
          + "; is `subminute local` running? Otherwise pass --endpoint URL or --aws";
    }
    if (e instanceof CommandFailure
        || e instanceof JobsException
        || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException) {
      return e.getMessage();
    }
    if (e instanceof SdkException) {
      return "DynamoDB failed: " + e.getMessage();
    }
    return "unexpected " + e + " (run again with --verbose for the stack trace)";
  }

  private static int exitCode(Exception e) {
    if (e instanceof CommandFailure failure) {
      return failure.exitCode();
    }
    if (e instanceof JobsException.NotFound) {
      return NOT_FOUND;
    }
    if (e instanceof JobsException.Unreachable) {
      return UNREACHABLE;
    }
    if (e instanceof JobsException.Conflict) {
      return CONFLICT;
    }
    if (e instanceof JobsException || e instanceof IllegalArgumentException) {
      return BAD_INPUT;
    }
    return FAILED;
  }

  private static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption(VERBOSE)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(String message) {
    if (message == null || message.isBlank()) {
      return "failed without a message";
    }
    return message.strip().lines().findFirst().orElse(message);
  }
}
