package dev.subminute.local.cli;

import dev.subminute.model.dynamodb.DynamoClients;
import dev.subminute.model.dynamodb.JobTable;
import dev.subminute.model.jobs.SubminuteJobs;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** Which table the jobs commands talk to. */
final class TableOptions {
  @Option(
      names = "--endpoint",
      description = "DynamoDB endpoint (default: ${DEFAULT-VALUE}, the local runtime)",
      defaultValue = "http://127.0.0.1:4567")
  URI endpoint;

  @Option(
      names = "--aws",
      description =
          "use the real table with the default AWS credential and region chains; any Lambda"
              + " function name or ARN is then a worker")
  boolean aws;

  @Option(
      names = "--table",
      description = "table name (default: ${DEFAULT-VALUE})",
      defaultValue = JobTable.DEFAULT_NAME)
  String table;

  String where() {
    return aws ? "table " + table + " on AWS" : "table " + table + " at " + endpoint;
  }

  /** The table, through a client made for one call and out (see {@link DynamoClients}). */
  SubminuteJobs open() {
    return aws
        ? new SubminuteJobs(new JobTable(DynamoClients.awsForFewCalls(), table), List.of(), where())
        : new SubminuteJobs(
            new JobTable(DynamoClients.localForFewCalls(endpoint), table),
            SubminuteJobs.EMBEDDED_WORKERS,
            where());
  }
}
