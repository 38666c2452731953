package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.FunctionSpec;
import dev.slipway.api.v1alpha1.ManagedResource;
import dev.slipway.api.v1alpha1.ParameterSpec;
import dev.slipway.aws.AwsResourceKind;
import dev.slipway.aws.Delta;
import dev.slipway.aws.Hashes;
import dev.slipway.aws.DesiredResource;
import dev.slipway.aws.KindInfo;
import dev.slipway.aws.Planned;
import dev.slipway.aws.PolicyStatement;
import dev.slipway.aws.Published;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.aws.Step;
import dev.slipway.status.Reasons;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterMetadata;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;
import software.amazon.awssdk.services.ssm.model.Tag;

/**
 * A Parameter Store parameter ({@code /<prefix>/<name>}): String and StringList values inline or
 * from a Secret, SecureString values only from a Secret. A secret value is compared by digest and
 * changed through a step whose difference is {@link Delta.Difference#redacted redacted}, so it reaches AWS and nothing else: not status, not
 * events, not logs. Functions that name the parameter may read exactly it.
 */
public final class SsmParameterKind implements AwsResourceKind<SsmParameterKind.Desired, SsmParameterKind.Observed> {

  public static final String KIND = "SSMParameter";
  private static final KindInfo INFO = KindInfo.named(KIND, Set.of());
  static final List<String> READ = List.of("ssm:GetParameter", "ssm:GetParameters");
  static final List<String> DECRYPT = List.of("kms:Decrypt");
  /** What Parameter Store reports as the key of a SecureString encrypted with the account's default key. */
  static final String DEFAULT_KEY = "alias/aws/ssm";

  /**
   * @param value the value to write; kept out of {@link #toString()}
   * @param kmsKeyId null for the default key; SecureString only
   * @param fromSecret the value comes from a Kubernetes Secret: treated as secret whatever the type
   */
  public record Desired(String name, String physicalName, ParameterSpec.Type type, String value, boolean fromSecret, String kmsKeyId, String description)
      implements DesiredResource {
    String digest() {
      return Hashes.sha256(value);
    }

    boolean secret() {
      return fromSecret || type == ParameterSpec.Type.SecureString;
    }

    @Override
    public String toString() {
      return "SSMParameter " + physicalName + " (" + type + ")";
    }
  }

  /**
   * The parameter as Parameter Store shows it.
   *
   * @param plainValue the value of a String or StringList parameter; null for a SecureString, which is kept only as its digest
   */
  public record Observed(
      String arn, ParameterSpec.Type type, String valueDigest, String plainValue, String kmsKeyId, String description, Map<String, String> tags) {}

  /** The output key of a parameter's AWS name; a / of the logical name becomes a dot, as ConfigMap keys allow no /. */
  public static String nameOutput(String parameter) {
    return "parameter." + parameter.replace('/', '.') + ".name";
  }

  @Override
  public KindInfo info() {
    return INFO;
  }

  @Override
  public List<Planned<Desired, Observed>> plan(StackContext ctx) {
    return ctx.spec().parameters.stream()
        .map(p -> new Planned<>(this, p.name, p.physicalName(ctx.prefix()), List.<String>of(), c -> desired(c, p)))
        .toList();
  }

  private static Desired desired(StackContext ctx, ParameterSpec p) {
    String value = p.valueFrom != null ? ctx.secret(p.valueFrom.secretKeyRef) : p.value;
    String key = p.type == ParameterSpec.Type.SecureString ? Objects.requireNonNullElse(p.kmsKeyId, DEFAULT_KEY) : null;
    return new Desired(p.name, p.physicalName(ctx.prefix()), p.type, value, p.valueFrom != null, key, Objects.requireNonNullElse(p.description, ""));
  }

  @Override
  public Optional<Observed> read(StackContext ctx, Desired d) {
    SsmClient ssm = ssm(ctx);
    // ParameterNotFound is absence, for the runtime.
    Parameter p = ssm.getParameter(r -> r.name(d.physicalName()).withDecryption(true)).parameter();
    Optional<ParameterMetadata> meta = ssm.describeParameters(r -> r.parameterFilters(f -> f.key("Name").option("Equals").values(d.physicalName())))
        .parameters().stream().findFirst();
    Map<String, String> tags = tagsOf(ssm, d.physicalName());
    ParameterSpec.Type type = ParameterSpec.Type.valueOf(p.typeAsString());
    String plain = type == ParameterSpec.Type.SecureString ? null : p.value();
    return Optional.of(new Observed(p.arn(), type, Hashes.sha256(p.value()), plain, meta.map(ParameterMetadata::keyId).orElse(null),
        meta.map(ParameterMetadata::description).orElse(""), tags));
  }

  @Override
  public Observed create(StackContext ctx, Desired d) {
    List<Tag> tags = ctx.tags().entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    // Tags can only be given when the parameter is new, not with Overwrite.
    ssm(ctx).putParameter(r -> r.name(d.physicalName()).type(ParameterType.fromValue(d.type().name())).value(d.value()).keyId(d.kmsKeyId())
        .description(d.description()).tags(tags));
    return null;
  }

  /** One PutParameter carries every change; a secret value is named, never shown. */
  @Override
  public List<Step> compare(StackContext ctx, Desired d, Observed o) {
    Delta.Builder delta = Delta.builder().compare("type", d.type(), o.type()).compare("description", d.description(), o.description());
    if (d.type() == ParameterSpec.Type.SecureString) {
      delta.compare("kmsKeyId", d.kmsKeyId(), o.kmsKeyId());
    }
    boolean valueChanged = !d.digest().equals(o.valueDigest());
    List<Delta.Difference> changes = new ArrayList<>(delta.build().differences());
    if (valueChanged) {
      changes.add(d.secret() ? Delta.Difference.redacted("value") : new Delta.Difference("value", d.value(), o.plainValue() == null ? Delta.REDACTED : o.plainValue()));
    }
    if (changes.isEmpty()) {
      return List.of();
    }
    return List.of(new Step(changes, () -> ssm(ctx).putParameter(r -> r.name(d.physicalName()).overwrite(true)
        .type(ParameterType.fromValue(d.type().name())).value(d.value()).keyId(d.kmsKeyId()).description(d.description()))));
  }

  @Override
  public Map<String, String> tags(Observed o) {
    return o.tags();
  }

  @Override
  public void retag(StackContext ctx, Observed o, Map<String, String> set, Collection<String> remove) {
    SsmClient ssm = ssm(ctx);
    String name = o.arn().substring(o.arn().indexOf(":parameter") + ":parameter".length());
    if (!remove.isEmpty()) {
      ssm.removeTagsFromResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name).tagKeys(remove));
    }
    if (!set.isEmpty()) {
      ssm.addTagsToResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name)
          .tags(set.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
    }
  }

  @Override
  public Published publish(StackContext ctx, Desired d, Observed o) {
    return Published.of(o.arn()).output(nameOutput(d.name()), d.physicalName()).build();
  }

  @Override
  public Optional<Map<String, String>> ownerTags(StackContext ctx, ManagedResource resource) {
    try {
      return Optional.of(tagsOf(ssm(ctx), resource.physicalName));
    } catch (software.amazon.awssdk.services.ssm.model.InvalidResourceIdException gone) {
      // How ListTagsForResource says the parameter does not exist.
      return Optional.empty();
    }
  }

  private static Map<String, String> tagsOf(SsmClient ssm, String name) {
    return ssm.listTagsForResource(r -> r.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name)).tagList().stream()
        .collect(Collectors.toMap(Tag::key, Tag::value));
  }

  @Override
  public void delete(StackContext ctx, ManagedResource resource) {
    ssm(ctx).deleteParameter(r -> r.name(resource.physicalName));
  }

  /** GetParameter(s) on exactly the parameters the function names, and kms:Decrypt on a SecureString's own key. */
  @Override
  public List<PolicyStatement> grants(StackContext ctx, PolicyStatement.Scope scope, FunctionSpec function) {
    List<String> parameters = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    for (FunctionSpec.NamedRef ref : function.parameters) {
      ParameterSpec p = ctx.spec().parameters.stream().filter(x -> x.name.equals(ref.name)).findFirst()
          .orElseThrow(() -> SlipwayException.terminal(Reasons.INVALID_SPEC,
              "function " + function.name + " names parameter " + ref.name + ", which spec.parameters does not declare"));
      parameters.add(scope.arn("ssm", "parameter" + p.physicalName(ctx.prefix())));
      if (p.type == ParameterSpec.Type.SecureString && p.kmsKeyId != null && p.kmsKeyId.startsWith("arn:")) {
        keys.add(p.kmsKeyId);
      }
    }
    return PolicyStatement.withKeys("SSMParameters", READ, parameters, DECRYPT, keys);
  }

  private static SsmClient ssm(StackContext ctx) {
    return ctx.aws().client(SsmClient.class, SsmClient::builder);
  }

}
