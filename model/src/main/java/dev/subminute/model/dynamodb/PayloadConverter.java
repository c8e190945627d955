package dev.subminute.model.dynamodb;

import java.util.Map;
import software.amazon.awssdk.enhanced.dynamodb.AttributeConverter;
import software.amazon.awssdk.enhanced.dynamodb.AttributeValueType;
import software.amazon.awssdk.enhanced.dynamodb.EnhancedType;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Stores a job's payload map as it is: the worker gets exactly what the user wrote. */
public final class PayloadConverter implements AttributeConverter<Map<String, AttributeValue>> {

  @Override
  public AttributeValue transformFrom(Map<String, AttributeValue> input) {
    return AttributeValue.fromM(input);
  }

  @Override
  public Map<String, AttributeValue> transformTo(AttributeValue input) {
    return input.hasM() ? input.m() : Map.of();
  }

  @Override
  public EnhancedType<Map<String, AttributeValue>> type() {
    return EnhancedType.mapOf(String.class, AttributeValue.class);
  }

  @Override
  public AttributeValueType attributeValueType() {
    return AttributeValueType.M;
  }
}
