package dev.slipway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One AWS resource Slipway manages for a service, as status reports it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ManagedResource {

  @JsonPropertyDescription("Resource kind, for example IAMRole, DynamoDBTable, LambdaFunction, RestApi.")
  public String kind;

  @JsonPropertyDescription("Logical name in the spec (table or function name), or the kind's role for singletons.")
  public String name;

  @JsonPropertyDescription("Physical AWS name.")
  public String physicalName;

  @JsonPropertyDescription("ARN, or the AWS id where the resource has no ARN (REST API id).")
  public String id;

  @JsonPropertyDescription("Ready, Pending, Failed or Deleting.")
  public State state;

  @JsonPropertyDescription("What Slipway last did or found: the differences it put right, or the error.")
  public String message;

  public enum State {
    Ready,
    Pending,
    Failed,
    Deleting
  }

  public ManagedResource() {}

  public ManagedResource(String kind, String name, String physicalName, String id, State state, String message) {
    this.kind = kind;
    this.name = name;
    this.physicalName = physicalName;
    this.id = id;
    this.state = state;
    this.message = message;
  }

  /** Kind and logical name: what identifies an entry across reconciles. */
  public String key() {
    return kind + "/" + name;
  }

  /**
   * Whether both entries are one AWS resource: the same logical resource under the same name, or
   * under the same AWS id (an API renamed in place). A logical resource whose name changed (a
   * namePrefix edit, a topic made FIFO) is a new resource, and the old one is dropped.
   */
  public boolean sameResource(ManagedResource other) {
    return key().equals(other.key())
        && (Objects.equals(physicalName, other.physicalName) || (id != null && id.equals(other.id)));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagedResource m
        && Objects.equals(kind, m.kind)
        && Objects.equals(name, m.name)
        && Objects.equals(physicalName, m.physicalName)
        && Objects.equals(id, m.id)
        && state == m.state
        && Objects.equals(message, m.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, name, physicalName, id, state, message);
  }
}
