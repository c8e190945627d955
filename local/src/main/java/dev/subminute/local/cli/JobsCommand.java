package dev.subminute.local.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.subminute.model.JobValidation;
import dev.subminute.model.JobValidator;
import dev.subminute.model.dynamodb.JobItem;
import dev.subminute.model.dynamodb.JobStatusView;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.dynamodb.ProfileRuleItem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** {@code subminute jobs}: write, read and change job items in any table. */
@Command(
    name = "jobs",
    mixinStandardHelpOptions = true,
    description = "Put, get, list, pause, resume, set and delete jobs.",
    subcommands = {
      JobsCommand.Put.class,
      JobsCommand.Get.class,
      JobsCommand.ListJobs.class,
      JobsCommand.Pause.class,
      JobsCommand.Resume.class,
      JobsCommand.SetAttributes.class,
      JobsCommand.Delete.class
    })
public final class JobsCommand implements Runnable {
  static final int NOT_FOUND = 1;
  static final int BAD_INPUT = 2;
  static final int UNREACHABLE = 3;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Runs a command against the table, turning an unreachable endpoint into a clear message. */
  abstract static class TableCommand implements Callable<Integer> {
    @Mixin TableOptions tableOptions;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    abstract int run(JobTable table, PrintWriter out, PrintWriter err) throws Exception;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        return run(tableOptions.open(), out, err);
      } catch (SdkClientException e) {
        err.println("Cannot reach DynamoDB for " + tableOptions.where() + ": " + e.getMessage());
        err.println("Is `subminute local` running? Otherwise pass --endpoint URL or --aws.");
        return UNREACHABLE;
      } catch (ResourceNotFoundException e) {
        err.println(
            "There is no " + tableOptions.where() + "; start `subminute local` or pass --table.");
        return UNREACHABLE;
      }
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
        description = "worker: http-poll, drift-probe, log, or a Lambda ARN")
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
    int run(JobTable table, PrintWriter out, PrintWriter err) throws Exception {
      JobItem.Builder item =
          JobItem.builder()
              .jobId(jobId)
              .workerArn(worker)
              .intervalMs(intervalMs)
              .running(!stopped)
              .offsetMs(offsetMs)
              .timezone(timezone)
              .misfire(misfire);
      if (payload != null) {
        item.payload(Values.parseObject(payload, "--payload"));
      }
      if (profile != null) {
        List<ProfileRuleItem> rules = new ArrayList<>();
        for (var rule : JSON.readTree(profile)) {
          rules.add(
              ProfileRuleItem.builder()
                  .days(rule.path("days").asText(null))
                  .from(rule.path("from").asText(null))
                  .to(rule.path("to").asText(null))
                  .intervalMs(
                      rule.path("intervalMs").isNumber() ? rule.path("intervalMs").asLong() : null)
                  .build());
        }
        item.profile(rules);
      }
      JobItem job = item.build();
      JobValidation validation = JobValidator.validate(JobTable.SCHEMA.itemToMap(job, true));
      if (validation instanceof JobValidation.Invalid invalid) {
        invalid.reasons().forEach(err::println);
        return BAD_INPUT;
      }
      if (!table.putIfAbsent(job)) {
        err.println(
            "Job "
                + jobId
                + " exists already; change it with `subminute jobs set "
                + jobId
                + " attr=value` or delete it first.");
        return BAD_INPUT;
      }
      out.println(
          "put " + jobId + (stopped ? " (stopped)" : ": ticks every " + intervalMs + " ms"));
      return 0;
    }
  }

  @Command(
      name = "get",
      description = "Print a job's item: what the user wrote and the status the system wrote.")
  static final class Get extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    int run(JobTable table, PrintWriter out, PrintWriter err) throws Exception {
      var item = table.get(jobId);
      if (item.isEmpty()) {
        err.println("No job " + jobId + " in " + tableOptions.where() + ".");
        return NOT_FOUND;
      }
      out.println(
          JSON.writeValueAsString(
              JSON.readTree(EnhancedDocument.fromAttributeValueMap(item.get()).toJson())));
      return 0;
    }
  }

  @Command(name = "list", description = "One line per job.")
  static final class ListJobs extends TableCommand {
    @Option(
        names = "--limit",
        defaultValue = "1000",
        description = "at most this many jobs (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    int run(JobTable table, PrintWriter out, PrintWriter err) {
      out.printf(
          "%-24s %-14s %10s %-7s %-8s %9s %7s %9s%n",
          "JOB", "WORKER", "INTERVAL", "RUNNING", "STATUS", "TICKS", "MISSED", "P99 MS");
      String next = null;
      int shown = 0;
      do {
        JobTable.Page page = table.list(Math.min(100, limit - shown), next);
        for (Map<String, AttributeValue> item : page.items()) {
          JobStatusView s = JobStatusView.of(item);
          out.printf(
              "%-24s %-14s %10s %-7s %-8s %9d %7d %9.3f%n",
              text(item, "jobId"),
              abbreviate(text(item, "workerArn"), 14),
              text(item, "intervalMs"),
              text(item, "running"),
              s.status() == null ? "-" : s.status(),
              s.ticks(),
              s.missedTicks(),
              s.driftP99Ms());
          shown++;
        }
        next = page.nextJobId();
      } while (next != null && shown < limit);
      return 0;
    }

    private static String text(Map<String, AttributeValue> item, String name) {
      AttributeValue v = item.get(name);
      if (v == null) {
        return "-";
      }
      return v.s() != null
          ? v.s()
          : v.n() != null ? v.n() : v.bool() != null ? v.bool().toString() : v.toString();
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
    int run(JobTable table, PrintWriter out, PrintWriter err) {
      return Values.setRunning(table, jobId, false, out, err);
    }
  }

  @Command(
      name = "resume",
      description = "Set running = true: the timer starts within a second, on its grid.")
  static final class Resume extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    int run(JobTable table, PrintWriter out, PrintWriter err) {
      return Values.setRunning(table, jobId, true, out, err);
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
    int run(JobTable table, PrintWriter out, PrintWriter err) {
      Map<String, AttributeValue> set = new LinkedHashMap<>();
      java.util.Set<String> remove = new java.util.HashSet<>();
      for (String assignment : assignments) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
          err.println("\"" + assignment + "\" is not attr=value; write e.g. intervalMs=500");
          return BAD_INPUT;
        }
        String name = assignment.substring(0, eq);
        String value = assignment.substring(eq + 1);
        if (name.equals(JobTable.JOB_ID)
            || name.equals(JobTable.VERSION)
            || Values.STATUS_ATTRIBUTES.contains(name)) {
          err.println(
              name
                  + " is not yours to set: jobId is the key, version and status attributes belong to the system.");
          return BAD_INPUT;
        }
        if (value.equals("-")) {
          remove.add(name);
        } else {
          set.put(name, Values.parse(value));
        }
      }
      return Values.setWithRetry(
          table,
          jobId,
          set,
          remove,
          out,
          err,
          "set " + String.join(" ", assignments) + " on " + jobId);
    }
  }

  @Command(name = "delete", description = "Delete a job: its timer stops within a second.")
  static final class Delete extends TableCommand {
    @Parameters(index = "0")
    String jobId;

    @Override
    int run(JobTable table, PrintWriter out, PrintWriter err) {
      if (!table.delete(jobId)) {
        err.println("No job " + jobId + " in " + tableOptions.where() + ".");
        return NOT_FOUND;
      }
      out.println("deleted " + jobId);
      return 0;
    }
  }
}
