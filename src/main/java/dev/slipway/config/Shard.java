package dev.slipway.config;

import dev.slipway.api.v1alpha1.Slipway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.config.ControllerConfigurationOverrider;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which objects this operator owns, by their {@value Slipway#SHARD_LABEL} label: one shard's value,
 * the objects without the label, or (not sharded) everything. The three controllers' informers
 * list and watch only what the shard owns, so an object relabelled to another shard leaves this
 * operator's cache as if deleted — JOSDK drops it without calling {@code cleanup}, which only an
 * object marked for deletion reaches — and enters the other operator's as if created.
 */
public final class Shard {

  /** The operator's Lease when it is not sharded, and the prefix of the shards' Leases. */
  static final String LEASE = "slipway-operator";
  /** A shard value goes into the Lease's and the Deployment's names: a DNS label, short enough for both. */
  private static final Pattern VALUE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

  private static final Shard EVERYTHING = new Shard(Optional.empty(), false);

  private final Optional<String> value;
  private final boolean unlabelled;

  private Shard(Optional<String> value, boolean unlabelled) {
    this.value = value;
    this.unlabelled = unlabelled;
  }

  /** The shard {@code slipway.shard} and {@code slipway.shard-unlabelled} name. */
  public static Shard of(SlipwayConfig config) {
    return of(config.shard(), config.shardUnlabelled());
  }

  static Shard of(Optional<String> configured, boolean unlabelled) {
    Optional<String> value = configured.map(String::trim).filter(v -> !v.isEmpty());
    if (value.isPresent() && unlabelled) {
      throw new IllegalArgumentException("slipway.shard and slipway.shard-unlabelled exclude each other: an operator owns one shard's"
          + " label value or the objects without the label, since one label selector cannot select both");
    }
    value.filter(v -> !VALUE.matcher(v).matches()).ifPresent(v -> {
      throw new IllegalArgumentException("slipway.shard " + v + " is no DNS label of at most 40 characters (lower-case letters, digits, '-')");
    });
    return value.isEmpty() && !unlabelled ? EVERYTHING : new Shard(value, unlabelled);
  }

  /** Whether this operator owns only part of the objects. */
  public boolean sharded() {
    return value.isPresent() || unlabelled;
  }

  /** The label selector of the shard's objects; empty when the operator owns everything. */
  public Optional<String> selector() {
    if (unlabelled) {
      return Optional.of("!" + Slipway.SHARD_LABEL);
    }
    return value.map(v -> Slipway.SHARD_LABEL + "=" + v);
  }

  /** Narrows a controller's informer to the shard, keeping a selector its configuration sets. */
  public <R extends HasMetadata> void narrow(ControllerConfigurationOverrider<R> controller) {
    selector().ifPresent(s -> {
      // The overrider has no getter; what it would build so far holds the selector configuration set
      // (quarkus.operator-sdk.controllers.<name>.selector).
      String configured = controller.build().getInformerConfig().getLabelSelector();
      controller.withLabelSelector(configured == null || configured.isBlank() ? s : configured + "," + s);
    });
  }

  /** The Lease this operator's replicas contend for: the one configured, else one of the shard's own. */
  public String leaseName(Optional<String> configured) {
    return configured.orElseGet(() -> value.map(v -> LEASE + "-" + v).orElse(unlabelled ? LEASE + "-unlabelled" : LEASE));
  }

  /** The shard an object is labelled for; empty without the label. */
  public static Optional<String> of(HasMetadata object) {
    Map<String, String> labels = object.getMetadata().getLabels();
    return Optional.ofNullable(labels == null ? null : labels.get(Slipway.SHARD_LABEL));
  }

  /** Whether two objects are labelled for the same shard (or both for none). */
  public static boolean same(HasMetadata a, HasMetadata b) {
    return Objects.equals(of(a), of(b));
  }
}
