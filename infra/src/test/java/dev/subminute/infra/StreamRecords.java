package dev.subminute.infra;

/** DynamoDB stream records as Lambda's event filtering sees them (NEW_AND_OLD_IMAGES). */
final class StreamRecords {
  private StreamRecords() {}

  /**
   * @param newImage the attributes of the new image as JSON members, null for REMOVE
   * @param oldImage the attributes of the old image, null for INSERT
   */
  static String record(String eventName, String newImage, String oldImage) {
    StringBuilder dynamodb =
        new StringBuilder(
            "{\"ApproximateCreationDateTime\":1795651200,\"Keys\":{\"jobId\":{\"S\":\"probe-1\"}}");
    if (newImage != null) {
      dynamodb.append(",\"NewImage\":{").append(newImage).append('}');
    }
    if (oldImage != null) {
      dynamodb.append(",\"OldImage\":{").append(oldImage).append('}');
    }
    dynamodb.append(
        ",\"SequenceNumber\":\"4421584500000000017450439091\",\"SizeBytes\":212,"
            + "\"StreamViewType\":\"NEW_AND_OLD_IMAGES\"}");
    return "{\"eventID\":\"c81e728d9d4c2f636f067f89cc14862c\",\"eventName\":\""
        + eventName
        + "\",\"eventVersion\":\"1.1\",\"eventSource\":\"aws:dynamodb\",\"awsRegion\":\"us-east-1\","
        + "\"dynamodb\":"
        + dynamodb
        + ",\"eventSourceARN\":\"arn:aws:dynamodb:us-east-1:123456789012:table/Subminute-Jobs/stream/2026-11-27T00:00:00.000\"}";
  }
}
