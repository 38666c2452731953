package dev.slipway.aws;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which existing resources that carry no {@link Tags#SERVICE} tag a service may take over, as its
 * annotation {@code slipway.dev/adopt} says: {@code "true"} for every kind, or kind names separated
 * by commas ({@code "DynamoDBTable,IAMRole"}). Without it such a resource is left alone: taking it
 * over means changing it to match the spec, which only its owner can agree to.
 *
 * @param kinds the kind names named, or {@link #EVERY_KIND}
 */
public record Adoption(Set<String> kinds) {

  public static final String EVERY_KIND = "true";
  public static final Adoption NONE = new Adoption(Set.of());

  public Adoption {
    kinds = Set.copyOf(kinds);
  }

  /** The annotation's value; null, blank or {@code "false"} adopts nothing. */
  public static Adoption parse(String annotation) {
    if (annotation == null || annotation.isBlank() || annotation.trim().equalsIgnoreCase("false")) {
      return NONE;
    }
    if (annotation.trim().equalsIgnoreCase(EVERY_KIND)) {
      return new Adoption(Set.of(EVERY_KIND));
    }
    return new Adoption(Arrays.stream(annotation.split(",")).map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()));
  }

  public boolean allows(String kind) {
    return kinds.contains(EVERY_KIND) || kinds.contains(kind);
  }

  /** The names that are no kind of {@code known}, sorted: a typo would otherwise adopt nothing, silently. */
  public List<String> unknown(Collection<String> known) {
    return kinds.stream().filter(k -> !k.equals(EVERY_KIND) && !known.contains(k)).sorted().toList();
  }
}
