package dev.slipway.release;

import dev.slipway.aws.AwsErrors;
import dev.slipway.canary.AliasState;
import java.util.Optional;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * AWS refuses provisioned concurrency on an alias whose routing carries an additional version, and
 * weights on an alias with provisioned concurrency. So for the weighted steps of a release the
 * alias's provisioned concurrency moves to the stable version (by version qualifier), keeping the
 * bulk of the traffic warm while the canary's share runs on demand; when the alias points at one
 * version again (promotion or rollback) the same amount moves back onto the alias.
 */
final class ProvisionedConcurrency {

  private static final Logger LOG = Logger.getLogger(ProvisionedConcurrency.class);

  private ProvisionedConcurrency() {}

  /** Before a weighted shift: move the alias's provisioned concurrency to the stable version. */
  static void beforeShift(LambdaClient lambda, String function, String alias, AliasState target) {
    if (target.additionalVersion() == null) {
      return;
    }
    Optional<Integer> onAlias = read(lambda, function, alias);
    if (onAlias.isEmpty()) {
      return;
    }
    LOG.infof("moving provisioned concurrency %d of %s:%s to version %s for the weighted steps", onAlias.get(), function, alias, target.version());
    lambda.putProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(target.version()).provisionedConcurrentExecutions(onAlias.get()));
    lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(alias));
  }

  /** After the alias points at one version again: move provisioned concurrency back onto the alias. */
  static void afterShift(LambdaClient lambda, String function, String alias, String formerStable, AliasState target) {
    if (target.additionalVersion() != null || formerStable == null) {
      return;
    }
    Optional<Integer> onVersion = read(lambda, function, formerStable);
    if (onVersion.isEmpty()) {
      return;
    }
    lambda.putProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(alias).provisionedConcurrentExecutions(onVersion.get()));
    lambda.deleteProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(formerStable));
  }

  private static Optional<Integer> read(LambdaClient lambda, String function, String qualifier) {
    return AwsErrors.unlessNotFound(() -> lambda.getProvisionedConcurrencyConfig(r -> r.functionName(function).qualifier(qualifier)))
        .map(c -> c.requestedProvisionedConcurrentExecutions());
  }
}
