package dev.slipway.aws;

import java.util.ArrayList;
import java.util.List;

/**
 * What a converged resource tells the rest of the stack: the id status records, its outputs, and
 * facts for the reconciler (a function's versions, for releases).
 *
 * @param id ARN, or the AWS id where the resource has no ARN
 * @param facts kind-specific facts, null when the kind has none
 */
public record Published(String id, List<Output> outputs, Object facts) {

  /** One output: visible ones go to status and the outputs ConfigMap, internal ones only to dependents. */
  public record Output(String key, String value, boolean visible) {}

  public Published {
    outputs = List.copyOf(outputs);
  }

  public static Builder of(String id) {
    return new Builder(id);
  }

  public static final class Builder {
    private final String id;
    private final List<Output> outputs = new ArrayList<>();
    private Object facts;

    private Builder(String id) {
      this.id = id;
    }

    /** An output dependents and users see; a null value is left out. */
    public Builder output(String key, String value) {
      if (value != null) {
        outputs.add(new Output(key, value, true));
      }
      return this;
    }

    /** An output only dependents see (plumbing such as a role ARN). */
    public Builder internal(String key, String value) {
      if (value != null) {
        outputs.add(new Output(key, value, false));
      }
      return this;
    }

    public Builder facts(Object value) {
      this.facts = value;
      return this;
    }

    public Published build() {
      return new Published(id, outputs, facts);
    }
  }
}
