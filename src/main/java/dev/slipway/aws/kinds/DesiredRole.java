package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.StackContext;

/**
 * The execution role of one function, named like the function, with its inline policy rendered from
 * the spec (the account id in its ARNs is asked of STS once per target) and the operator's
 * permissions boundary, null for none.
 */
public record DesiredRole(String name, String physicalName, String policy, String permissionsBoundary) implements DesiredResource {

  public static DesiredRole of(StackContext ctx, FunctionSpec function) {
    PolicyStatement.Scope scope = ctx.scope();
    return new DesiredRole(function.name, ctx.physicalName(function.name), ExecutionRolePolicy.document(ctx, scope, function),
        ctx.permissionsBoundary().orElse(null));
  }
}
