package dev.slipway.aws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Finding a resource whose AWS id is generated and whose name need not be unique. */
public final class Lookups {

  private Lookups() {}

  /**
   * The one resource of {@code named} (all with the wanted name): several are ambiguous unless
   * exactly one carries this service's tag, which is a terminal error naming {@code what}.
   */
  public static <T> Optional<T> unique(StackContext ctx, List<T> named, Function<T, Map<String, String>> tags, String what, String name) {
    List<T> candidates = new ArrayList<>(named);
    if (candidates.size() > 1) {
      String service = ctx.tags().get(Tags.SERVICE);
      candidates.removeIf(a -> !service.equals(tags.apply(a).get(Tags.SERVICE)));
      if (candidates.size() != 1) {
        throw SlipwayException.terminal("Ambiguous" + what.replace(" ", ""), "several " + what + "s are named " + name + "; rename or delete the extra ones");
      }
    }
    return candidates.stream().findFirst();
  }
}
