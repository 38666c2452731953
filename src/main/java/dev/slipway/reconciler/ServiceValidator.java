package dev.slipway.reconciler;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.RestApiSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Naming;
import dev.slipway.aws.kinds.StackKinds;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks the CRD schema cannot express (it validates each field; these span the computed AWS
 * names and references between parts of the spec, each kind checking its own), and a second line for those it does, since an API server without CEL (or an object
 * stored before a rule existed) may let them through. Each problem is one readable sentence.
 */
public final class ServiceValidator {

  /** Lambda function names are at most 64 characters. */
  static final int MAX_FUNCTION_NAME = 64;

  /** The problems of {@code spec}, the effective spec (spec.functionDefaults applied) of the service {@code serviceName}. */
  public List<String> validate(String serviceName, ServerlessServiceSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null || spec.functions == null || spec.functions.isEmpty()) {
      return List.of("spec.functions must name at least one function");
    }
    Set<String> functions = new HashSet<>();
    for (FunctionSpec f : spec.functions) {
      if (!functions.add(f.name)) {
        problems.add("function " + f.name + " is declared twice");
      }
      String physical = Naming.physical(serviceName, spec, f.name);
      if (physical.length() > MAX_FUNCTION_NAME) {
        problems.add("function name " + physical + " is longer than " + MAX_FUNCTION_NAME + " characters: shorten spec.namePrefix or the function name");
      }
    }
    problems.addAll(StackKinds.validate(spec));
    if (spec.restApi != null) {
      Set<String> served = new HashSet<>();
      for (RestApiSpec.Route r : spec.restApi.routes) {
        if (!functions.contains(r.function)) {
          problems.add("restApi route " + r.path + " names function " + r.function + ", which spec.functions does not declare");
        }
        r.methods.stream().distinct().filter(m -> !served.add(m + " " + r.path))
            .forEach(m -> problems.add("restApi method " + m + " " + r.path + " is served by more than one route"));
      }
    }
    if (spec.webSocketApi != null) {
      spec.webSocketApi.routes.forEach((key, function) -> {
        if (!functions.contains(function)) {
          problems.add("webSocketApi route " + key + " names function " + function + ", which spec.functions does not declare");
        }
      });
      var authorizer = spec.webSocketApi.authorizer;
      if (authorizer != null && !functions.contains(authorizer.function)) {
        problems.add("webSocketApi authorizer names function " + authorizer.function + ", which spec.functions does not declare");
      }
    }
    return problems;
  }
}
