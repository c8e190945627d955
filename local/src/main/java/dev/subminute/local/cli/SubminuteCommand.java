package dev.subminute.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code subminute} command. */
@Command(
    name = "subminute",
    mixinStandardHelpOptions = true,
    version = "subminute 0.1.0",
    description = "Sub-second timers: one DynamoDB item per job.",
    subcommands = {LocalCommand.class, JobsCommand.class})
public final class SubminuteCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static CommandLine commandLine() {
    return new CommandLine(new SubminuteCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
