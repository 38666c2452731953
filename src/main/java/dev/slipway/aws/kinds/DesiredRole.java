package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.TableSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.StackContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The execution role of one function. Its inline policy needs the account id, which only AWS knows,
 * so the record keeps the spec parts it is generated from and {@link #policy} renders it.
 */
public record DesiredRole(
    String name,
    String physicalName,
    String functionPhysicalName,
    FunctionSpec function,
    Map<String, TableSpec> tables,
    UnaryOperator<String> physicalTable,
    Map<String, String> tags)
    implements DesiredResource {

  public static DesiredRole of(StackContext ctx, FunctionSpec function) {
    // Lambda and IAM both cap names at 64 characters; the function kind must fit its name the same way.
    String physical = PhysicalNames.fit(ctx.physicalName(function.name), PhysicalNames.IAM_ROLE_MAX);
    Map<String, TableSpec> tables = new LinkedHashMap<>();
    ctx.spec().tables.forEach(t -> tables.put(t.name, t));
    return new DesiredRole(function.name, physical, physical, function, tables, ctx::physicalName, ctx.tags());
  }

  public String policy(ExecutionRolePolicy.Scope scope) {
    return ExecutionRolePolicy.document(scope, functionPhysicalName, function, tables, physicalTable);
  }
}
