package dev.slipway.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/** Finding a resource whose AWS id is generated and whose name need not be unique. */
public final class Lookups {

  private static final Logger LOG = Logger.getLogger(Lookups.class);

  private Lookups() {}

  /**
   * How a kind settles duplicates Slipway itself made: several resources of one name, all tagged for
   * this service, as a create retried after a lost answer used to leave (creates are made once now,
   * see ResourceLoop, but such pairs may still stand in an account).
   *
   * @param created when AWS made each
   * @param untouched whether one is as its create left it (no parts added since), so deleting it loses nothing
   * @param delete deletes one of them
   */
  public record Duplicates<T>(Function<T, Instant> created, Predicate<T> untouched, Consumer<T> delete) {}

  /**
   * The one resource of {@code named} (all with the wanted name): several are ambiguous unless
   * exactly one carries this service's tag, which is a terminal error naming {@code what}.
   */
  public static <T> Optional<T> unique(StackContext ctx, List<T> named, Function<T, Map<String, String>> tags, String what, String name) {
    return unique(ctx, named, tags, what, name, null);
  }

  /**
   * {@link #unique(StackContext, List, Function, String, String)}, settling Slipway's own duplicates
   * where {@code duplicates} says how: of several tagged for this service, the one worked on is kept
   * (the oldest when none is) and the others, untouched, are deleted. Two worked on stay ambiguous.
   */
  public static <T> Optional<T> unique(StackContext ctx, List<T> named, Function<T, Map<String, String>> tags, String what, String name,
      Duplicates<T> duplicates) {
    List<T> candidates = new ArrayList<>(named);
    if (candidates.size() > 1) {
      String service = ctx.tags().get(Tags.SERVICE);
      candidates.removeIf(a -> !service.equals(tags.apply(a).get(Tags.SERVICE)));
      if (candidates.size() > 1 && duplicates != null) {
        Optional<T> kept = settle(candidates, duplicates, what, name);
        if (kept.isPresent()) {
          return kept;
        }
      }
      if (candidates.size() != 1) {
        throw SlipwayException.terminal("Ambiguous" + what.replace(" ", ""), "several " + what + "s are named " + name + "; rename or delete the extra ones");
      }
    }
    return candidates.stream().findFirst();
  }

  private static <T> Optional<T> settle(List<T> ours, Duplicates<T> duplicates, String what, String name) {
    List<T> oldestFirst = ours.stream().sorted(Comparator.comparing(duplicates.created(), Comparator.nullsLast(Comparator.naturalOrder()))).toList();
    List<T> touched = oldestFirst.stream().filter(duplicates.untouched().negate()).toList();
    if (touched.size() > 1) {
      return Optional.empty();
    }
    T keep = touched.isEmpty() ? oldestFirst.get(0) : touched.get(0);
    for (T extra : oldestFirst) {
      if (extra != keep) {
        LOG.warnf("%s %s: deleting an untouched duplicate Slipway made (created %s), keeping the one created %s", what, name,
            duplicates.created().apply(extra), duplicates.created().apply(keep));
        AwsErrors.ignoreNotFound(() -> duplicates.delete().accept(extra));
      }
    }
    return Optional.of(keep);
  }
}
