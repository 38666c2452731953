package dev.slipway.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The fields where an observed AWS resource differs from the desired one. */
public record Delta(List<Difference> differences) {

  /** One differing field: its path and both values, for status messages and events. */
  public record Difference(String path, Object desired, Object observed) {
    /** A difference whose values must never reach status, events or logs: messages name the field only. */
    public static Difference redacted(String path) {
      return new Difference(path, REDACTED, REDACTED);
    }

    @Override
    public String toString() {
      return path + ": " + observed + " -> " + desired;
    }
  }

  /** Stands in for a value that must not be shown (a secret, an environment value). */
  public static final String REDACTED = "(redacted)";

  public Delta {
    differences = List.copyOf(differences);
  }

  public static Delta none() {
    return new Delta(List.of());
  }

  public boolean isEmpty() {
    return differences.isEmpty();
  }

  public boolean differsAt(String path) {
    return differences.stream().anyMatch(d -> d.path().equals(path) || d.path().startsWith(path + "."));
  }

  /** A one-line description: {@code memorySize: 512 -> 1024, timeout: 3 -> 30}. */
  public String describe() {
    return differences.stream().map(Difference::toString).collect(Collectors.joining(", "));
  }

  /** Collects differences field by field. */
  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private final List<Difference> differences = new ArrayList<>();

    /** Records {@code path} when the values are not equal. */
    public Builder compare(String path, Object desired, Object observed) {
      if (!Objects.equals(desired, observed)) {
        differences.add(new Difference(path, desired, observed));
      }
      return this;
    }

    public Builder add(String path, Object desired, Object observed) {
      differences.add(new Difference(path, desired, observed));
      return this;
    }

    public Delta build() {
      return new Delta(differences);
    }
  }
}
