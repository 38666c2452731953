package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Naming;
import dev.slipway.aws.Outputs;
import dev.slipway.aws.ResourceLoop.Planned;
import dev.slipway.aws.ResourceLoop.Stage;
import dev.slipway.aws.StackContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The dependency order of a ServerlessService's AWS resources. Tables and execution roles depend on
 * nothing Slipway creates (a role's policy names tables by computed ARN), so they converge together;
 * functions need their role's ARN; the APIs need the functions' alias ARNs.
 */
public final class StackPlan {

  private static final DynamoDbTableKind TABLES = new DynamoDbTableKind();
  private static final IamRoleKind ROLES = new IamRoleKind();
  private static final LambdaFunctionKind FUNCTIONS = new LambdaFunctionKind();
  private static final RestApiKind REST_API = new RestApiKind();
  private static final WebSocketApiKind WEBSOCKET_API = new WebSocketApiKind();

  /** Every kind by its name, to delete status entries whose spec is gone. */
  private static final Map<String, AwsResourceKind<?, ?>> KINDS =
      Map.of(
          TABLES.kind(), TABLES,
          ROLES.kind(), ROLES,
          FUNCTIONS.kind(), FUNCTIONS,
          REST_API.kind(), REST_API,
          WEBSOCKET_API.kind(), WEBSOCKET_API);

  /** Outputs kept internal: role ARNs are plumbing, not something apps consume. */
  private static final Function<String, Boolean> PUBLIC_OUTPUT = key -> !key.endsWith(".roleArn");

  private StackPlan() {}

  public static List<Stage> stages(StackContext ctx) {
    return List.of(
        new Stage("tables and roles", Set.of(TABLES.kind(), ROLES.kind()), c -> concat(TABLES.plan(c), ROLES.plan(c))),
        new Stage("functions", Set.of(FUNCTIONS.kind()), StackPlan::functions, StackPlan::functionNames),
        new Stage("APIs", Set.of(REST_API.kind(), WEBSOCKET_API.kind()), StackPlan::apis, StackPlan::apiNames));
  }

  /** The functions by name alone, reported as Pending while an earlier stage fails. */
  private static List<ManagedResource> functionNames(StackContext ctx) {
    return ctx.spec().functions.stream().map(f -> pending(FUNCTIONS.kind(), f.name, ctx.physicalName(f.name))).toList();
  }

  /** The APIs by name alone, reported as Pending while an earlier stage fails. */
  private static List<ManagedResource> apiNames(StackContext ctx) {
    List<ManagedResource> names = new ArrayList<>();
    if (ctx.spec().restApi != null) {
      names.add(pending(REST_API.kind(), REST_API.logicalName(), Naming.restApiName(ctx.serviceName(), ctx.spec())));
    }
    if (ctx.spec().webSocketApi != null) {
      names.add(pending(WEBSOCKET_API.kind(), WEBSOCKET_API.logicalName(), WebSocketApiKind.physicalName(ctx)));
    }
    return names;
  }

  private static ManagedResource pending(String kind, String name, String physicalName) {
    return new ManagedResource(kind, name, physicalName, null, ManagedResource.State.Pending, null);
  }

  public static Map<String, AwsResourceKind<?, ?>> kinds() {
    return KINDS;
  }

  /** The outputs status and the outputs ConfigMap show, sorted by key. */
  public static Map<String, String> publicOutputs(StackContext ctx) {
    Map<String, String> out = new TreeMap<>();
    ctx.outputs().forEach((k, v) -> {
      if (PUBLIC_OUTPUT.apply(k)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static List<Planned<?, ?>> functions(StackContext ctx) {
    return ctx.spec().functions.stream()
        .<Planned<?, ?>>map(f -> new Planned<>(FUNCTIONS, f.name, LambdaFunctionKind.Desired.of(ctx, f, ctx.output(Outputs.roleArn(f.name)))))
        .toList();
  }

  private static List<Planned<?, ?>> apis(StackContext ctx) {
    List<Planned<?, ?>> apis = new ArrayList<>();
    if (ctx.spec().restApi != null) {
      apis.add(new Planned<>(REST_API, REST_API.logicalName(), RestApiKind.desired(ctx)));
    }
    if (ctx.spec().webSocketApi != null) {
      apis.add(new Planned<>(WEBSOCKET_API, WEBSOCKET_API.logicalName(), WebSocketApiKind.desired(ctx)));
    }
    return apis;
  }

  private static List<Planned<?, ?>> concat(List<Planned<?, ?>> a, List<Planned<?, ?>> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }
}
