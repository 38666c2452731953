package dev.slipway.aws;

import dev.slipway.api.v1alpha1.SecretKeyRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes Secrets of the reconciled object's namespace, for kinds whose state holds a secret:
 * a SecureString parameter reads its value from one; a Cognito client with a secret and an API key
 * write theirs into one the service owns. A value goes between its Secret and AWS and nowhere else: kinds name it in
 * their steps only as a {@link Delta.Difference#redacted redacted} difference, so it never reaches
 * status, events or logs.
 */
public interface SecretValues {

  /** The decoded value of the key, empty when the Secret or the key is missing. */
  Optional<String> read(SecretKeyRef ref);

  /** The decoded data of the Secret {@code name} this service owns; empty when there is none. */
  Optional<Map<String, String>> owned(String name);

  /**
   * Writes the Secret {@code name}, owned by the service (deleted with it), holding exactly {@code
   * data}. A Secret of that name that the service does not own is left alone: a terminal error.
   */
  void own(String name, Map<String, String> data);

  /**
   * The step that writes {@code data} to the Secret {@code name} the service owns when {@code current}
   * (its data as {@link #owned} read it, empty for none) differs; its one difference names the Secret
   * and shows no value. Empty when the Secret already holds {@code data}.
   */
  default Optional<Step> ownWhenChanged(String name, Map<String, String> data, Map<String, String> current) {
    if (data.equals(current)) {
      return Optional.empty();
    }
    return Optional.of(new Step(List.of(Delta.Difference.redacted("secret " + name)), () -> own(name, data)));
  }

  /** Deletes the Secret {@code name} if this service owns it. */
  void disown(String name);

  /** Secrets that {@code read} serves and none owned: writing one is refused (benches, tests of kinds that only read). */
  static SecretValues readOnly(java.util.function.Function<SecretKeyRef, Optional<String>> read) {
    return readOnly(read, name -> Optional.empty());
  }

  /** Secrets that {@code read} and {@code owned} serve, none written ({@code kubectl slipway diff}: the user's view of them). */
  static SecretValues readOnly(java.util.function.Function<SecretKeyRef, Optional<String>> read,
      java.util.function.Function<String, Optional<Map<String, String>>> owned) {
    return new SecretValues() {
      @Override
      public Optional<String> read(SecretKeyRef ref) {
        return read.apply(ref);
      }

      @Override
      public Optional<Map<String, String>> owned(String name) {
        return owned.apply(name);
      }

      @Override
      public void own(String name, Map<String, String> data) {
        throw new UnsupportedOperationException("no Kubernetes Secrets are written in this context");
      }

      @Override
      public void disown(String name) {}
    };
  }

  /** For contexts with no Secrets at all. */
  SecretValues NONE = readOnly(ref -> Optional.empty());
}
