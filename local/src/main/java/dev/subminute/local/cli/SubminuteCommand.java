package dev.subminute.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code subminute} command. */
@Command(
    name = "subminute",
    mixinStandardHelpOptions = true,
    version = "subminute 0.1.0",
    description = "Sub-second timers: one DynamoDB item per job.",
    subcommands = {LocalCommand.class, JobsCommand.class})
public final class SubminuteCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = ErrorReporting.VERBOSE,
      scope = ScopeType.INHERIT,
      description = "print the stack trace of an error")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The command line with its error reporting: one line per error, exit code by kind. */
  public static CommandLine commandLine() {
    ErrorReporting errors = new ErrorReporting();
    return new CommandLine(new SubminuteCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
