package dev.subminute.local.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.StoredJob;
import dev.subminute.model.jobs.JobChange;
import dev.subminute.model.jobs.JobSpec;
import dev.subminute.model.jobs.SubminuteJobs;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code subminute jobs}: write, read and change job items in any table, through {@link
 * SubminuteJobs} (which validates and stores; this class only reads arguments and prints).
 */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Put, get, list, pause, resume, set and delete jobs.")
public final class JobsCommand implements Runnable, SubminuteCommand.WithSubcommands {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Override
  public List<SubminuteCommand.Subcommand> subcommands() {
    return List.of(
        new SubminuteCommand.Subcommand("put", () -> new Put()),
        new SubminuteCommand.Subcommand("get", () -> new Get()),
        new SubminuteCommand.Subcommand("list", () -> new ListJobs()),
        new SubminuteCommand.Subcommand("pause", () -> new Pause()),
        new SubminuteCommand.Subcommand("resume", () -> new Resume()),
        new SubminuteCommand.Subcommand("set", () -> new SetAttributes()),
        new SubminuteCommand.Subcommand("delete", () -> new Delete()));
  }

  /** A command on the table that the options name; errors are reported by the caller. */
  abstract static class TableCommand implements Callable<Integer> {
    @Mixin TableOptions tableOptions;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract void run(SubminuteJobs jobs, PrintWriter out) throws Exception;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      run(tableOptions.open(), out);
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "put",
      description = "Write a new job; it starts ticking within a second when running.")
  static final class Put extends TableCommand {
    @Parameters(index = "0", description = "job id: 1 to 64 of A-Z a-z 0-9 _ -")
    String jobId;

    @Option(
        names = "--worker",
        required = true,
        description =
            "worker: http-poll, drift-probe or log on the embedded runtime; with --aws a Lambda"
                + " function name or ARN")
    String worker;

    @Option(names = "--interval", required = true, description = "interval in ms, 100 to 86400000")
    long intervalMs;

    @Option(
        names = "--payload",
        description =
            "JSON object passed to the worker, e.g. '{\"url\":\"http://127.0.0.1:8080/\"}'")
    String payload;

    @Option(names = "--offset", description = "phase in ms, 0 <= offset < interval")
    Long offsetMs;

    @Option(
        names = "--profile",
        description =
            "JSON list of rules, e.g. '[{\"days\":\"MON-FRI\",\"from\":\"08:00\",\"to\":\"20:00\",\"intervalMs\":1000}]'")
    String profile;

    @Option(names = "--timezone", description = "IANA zone for the profile (default UTC)")
    String timezone;

    @Option(names = "--misfire", description = "SKIP (default) or FIRE_ONCE")
    String misfire;

    @Option(names = "--stopped", description = "write it with running = false")
    boolean stopped;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      JobSpec.Builder spec = JobSpec.builder(jobId, worker, intervalMs).running(!stopped);
      if (payload != null) {
        spec.payloadJson(payload);
      }
      if (profile != null) {
        spec.profileJson(profile);
      }
      if (offsetMs != null) {
        spec.offsetMs(offsetMs);
      }
      if (timezone != null) {
        spec.timezone(timezone);
      }
      if (misfire != null) {
        spec.misfire(misfire);
      }
      jobs.put(spec.build());
      out.println(
          "put " + jobId + (stopped ? " (stopped)" : ": ticks every " + intervalMs + " ms"));
    }
  }

  @Command(
      name = "get",
      description = "Print a job's item: what the user wrote and the status the system wrote.")
  static final class Get extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) throws Exception {
      StoredJob job =
          jobs.get(jobId)
              .orElseThrow(
                  () ->
                      new CommandFailure(
                          ErrorReporting.NOT_FOUND,
                          "no job " + jobId + " in " + tableOptions.where(),
                          null));
      out.println(indented(job.json()));
    }

    /** Streams the JSON through an indenting generator: no object mapper to build for one item. */
    private static String indented(String json) throws IOException {
      JsonFactory factory = new JsonFactory();
      StringWriter text = new StringWriter();
      try (JsonParser parser = factory.createParser(json);
          JsonGenerator generator = factory.createGenerator(text).useDefaultPrettyPrinter()) {
        while (parser.nextToken() != null) {
          generator.copyCurrentEvent(parser);
        }
      }
      return text.toString();
    }
  }

  @Command(name = "list", description = "One line per job.")
  static final class ListJobs extends TableCommand {
    @Option(
        names = "--limit",
        defaultValue = "1000",
        description = "at most this many jobs, 1 or more (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      SubminuteJobs.Page page = jobs.list(Math.min(100, limit), null);
      out.printf(
          "%-24s %-14s %10s %-7s %-8s %9s %7s %9s%n",
          "JOB", "WORKER", "INTERVAL", "RUNNING", "STATUS", "TICKS", "MISSED", "P99 MS");
      int shown = 0;
      while (true) {
        for (StoredJob job : page.jobs()) {
          JobStatusView s = job.status();
          out.printf(
              "%-24s %-14s %10s %-7s %-8s %9d %7d %9.3f%n",
              job.jobId(),
              abbreviate(job.text("workerArn"), 14),
              job.text("intervalMs"),
              job.text("running"),
              s.status() == null ? "-" : s.status(),
              s.ticks(),
              s.missedTicks(),
              s.driftP99Ms());
          shown++;
        }
        if (page.nextJobId() == null || shown >= limit) {
          return;
        }
        page = jobs.list(Math.min(100, limit - shown), page.nextJobId());
      }
    }

    private static String abbreviate(String s, int max) {
      return s.length() <= max ? s : "…" + s.substring(s.length() - max + 1);
    }
  }

  @Command(name = "pause", description = "Set running = false: the timer stops within a second.")
  static final class Pause extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      jobs.pause(jobId);
      out.println("paused " + jobId);
    }
  }

  @Command(
      name = "resume",
      description = "Set running = true: the timer starts within a second, on its grid.")
  static final class Resume extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      jobs.resume(jobId);
      out.println("resumed " + jobId);
    }
  }

  @Command(
      name = "set",
      description =
          "Change attributes: intervalMs=500 workerArn=log payload='{\"url\":\"...\"}' offsetMs=- (removes).")
  static final class SetAttributes extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Parameters(
        index = "1..*",
        arity = "1..*",
        description =
            "attr=value; value is JSON (number, true, object, list) or a plain string; '-' removes")
    List<String> assignments;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      JobChange.Builder change = JobChange.builder();
      for (String assignment : assignments) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "\"" + assignment + "\" is not attr=value; write e.g. intervalMs=500");
        }
        String name = assignment.substring(0, eq);
        String value = assignment.substring(eq + 1);
        if (value.equals("-")) {
          change.remove(name);
        } else {
          change.attribute(name, value);
        }
      }
      jobs.update(jobId, change.build());
      out.println("set " + String.join(" ", assignments) + " on " + jobId);
    }
  }

  @Command(name = "delete", description = "Delete a job: its timer stops within a second.")
  static final class Delete extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    void run(SubminuteJobs jobs, PrintWriter out) {
      jobs.delete(jobId);
      out.println("deleted " + jobId);
    }
  }
}
