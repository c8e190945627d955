package dev.subminute.controller.handler;

import dev.subminute.model.dynamodb.StoredJob;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stream images from aws-lambda-java-events in the SDK's own attribute values. */
final class StreamImages {
  private StreamImages() {}

  /** A stream image as a stored job; null for none (the image of a REMOVE record). */
  static StoredJob toItem(
      Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
          image) {
    return image == null ? null : StoredJob.of(toSdk(image));
  }

  static Map<String, AttributeValue> toSdk(
      Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue>
          image) {
    if (image == null) {
      return null;
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    image.forEach((k, v) -> out.put(k, toSdk(v)));
    return out;
  }

  static AttributeValue toSdk(
      com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue v) {
    if (v.getS() != null) {
      return AttributeValue.fromS(v.getS());
    }
    if (v.getN() != null) {
      return AttributeValue.fromN(v.getN());
    }
    if (v.getBOOL() != null) {
      return AttributeValue.fromBool(v.getBOOL());
    }
    if (v.getNULL() != null) {
      return AttributeValue.fromNul(v.getNULL());
    }
    if (v.getM() != null) {
      return AttributeValue.fromM(toSdk(v.getM()));
    }
    if (v.getL() != null) {
      return AttributeValue.fromL(v.getL().stream().map(StreamImages::toSdk).toList());
    }
    if (v.getB() != null) {
      return AttributeValue.fromB(SdkBytes.fromByteBuffer(v.getB()));
    }
    if (v.getSS() != null) {
      return AttributeValue.fromSs(v.getSS());
    }
    if (v.getNS() != null) {
      return AttributeValue.fromNs(v.getNS());
    }
    if (v.getBS() != null) {
      return AttributeValue.fromBs(v.getBS().stream().map(SdkBytes::fromByteBuffer).toList());
    }
    return AttributeValue.fromL(List.of());
  }
}
