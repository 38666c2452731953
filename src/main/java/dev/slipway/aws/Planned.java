package dev.slipway.aws;

import java.util.List;
import java.util.function.Function;

/**
 * One resource the spec wants. Its desired model is built only when its dependencies have converged,
 * because it may use what they published (a role ARN, an alias ARN); its physical name is known up
 * front, so status can show the resource as Pending before that.
 *
 * @param name the logical name, unique within the kind (a table's name, a function's name, "rest")
 * @param dependsOn keys ({@code Kind/name}) of the resources this one needs first
 */
public record Planned<D extends DesiredResource, O>(
    AwsResourceKind<D, O> kind, String name, String physicalName, List<String> dependsOn, Function<StackContext, D> desired) {

  public Planned {
    dependsOn = List.copyOf(dependsOn);
  }

  /** {@code Kind/name}, as status entries are keyed. */
  public String key() {
    return key(kind.info().name(), name);
  }

  public static String key(String kind, String name) {
    return kind + "/" + name;
  }
}
