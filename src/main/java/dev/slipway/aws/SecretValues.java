package dev.slipway.aws;

import dev.slipway.api.v1alpha1.SecretKeyRef;
import java.util.Optional;

/**
 * Reads keys of Kubernetes Secrets in the reconciled object's namespace, for kinds whose desired
 * state holds a secret (a SecureString parameter). The value goes to AWS and nowhere else: kinds
 * name it in their steps only as a {@link Delta.Difference#redacted redacted} difference, so it
 * never reaches status, events or logs.
 */
@FunctionalInterface
public interface SecretValues {

  /** The decoded value of the key, empty when the Secret or the key is missing. */
  Optional<String> read(SecretKeyRef ref);

  /** For contexts with no Secrets to read (tests of kinds that take none). */
  SecretValues NONE = ref -> Optional.empty();
}
