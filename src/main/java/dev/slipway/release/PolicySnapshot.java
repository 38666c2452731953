package dev.slipway.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.slipway.api.v1alpha1.CanaryPolicySpec;
import dev.slipway.aws.SlipwayException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The CanaryPolicy a release pins in its status when it starts, so that an edited or deleted
 * policy changes the next release and not this one. Status is read more widely than a policy and
 * must hold no secret, so the credentials a URL may carry (user info, query, fragment) are left out
 * of it; when a check or hook runs, its URL is taken back from the live policy if that still has
 * the same URL, and a release whose pinned URL can no longer be restored fails rather than call a
 * different one.
 */
final class PolicySnapshot {

  /** What a shortened URL shows in place of its query. */
  static final String WITHHELD = "?…";

  private static final String INVALID = "(an invalid URL)";

  private static final ObjectMapper JSON = new ObjectMapper();

  private PolicySnapshot() {}

  /** The policy as status keeps it. */
  static CanaryPolicySpec of(CanaryPolicySpec live) {
    if (live == null) {
      return null;
    }
    CanaryPolicySpec copy = JSON.convertValue(live, CanaryPolicySpec.class);
    urls(copy).forEach(u -> u.set().accept(withoutCredentials(u.get().get())));
    return copy;
  }

  /** Whether some URL of the pinned policy was shortened, so the live policy is needed to run it. */
  static boolean withheldAny(CanaryPolicySpec pinned) {
    return pinned != null && urls(pinned).stream().anyMatch(u -> isWithheld(u.get().get()));
  }

  /**
   * The pinned policy with its shortened URLs restored from {@code live} (null when deleted).
   *
   * @throws SlipwayException (terminal, PolicyChanged) when a URL cannot be restored
   */
  static CanaryPolicySpec restore(CanaryPolicySpec pinned, CanaryPolicySpec live, String policyName) {
    CanaryPolicySpec copy = JSON.convertValue(pinned, CanaryPolicySpec.class);
    List<Url> liveUrls = live == null ? List.of() : urls(live);
    for (Url u : urls(copy)) {
      String shown = u.get().get();
      if (!isWithheld(shown)) {
        continue;
      }
      String restored = liveUrls.stream()
          .filter(l -> l.owner().equals(u.owner()) && withoutCredentials(l.get().get()).equals(shown))
          .map(l -> l.get().get())
          .findFirst()
          .orElseThrow(() -> SlipwayException.terminal("PolicyChanged", u.owner() + " calls " + shown + ", whose query status does not keep,"
              + " and CanaryPolicy " + policyName + (live == null ? " is gone" : " no longer has that URL")
              + ": the release cannot run it as it started; create a new release"));
      u.set().accept(restored);
    }
    return copy;
  }

  /** {@code url} without user info, query and fragment; the query's place shows {@link #WITHHELD}. */
  static String withoutCredentials(String url) {
    try {
      URI u = new URI(url);
      if (u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null) {
        return url;
      }
      URI bare = new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
      return bare + (u.getRawQuery() != null || u.getRawUserInfo() != null ? WITHHELD : "");
    } catch (URISyntaxException e) {
      return INVALID;
    }
  }

  /** Whether status shows this URL without what it needs to be called. */
  private static boolean isWithheld(String shown) {
    return shown.endsWith(WITHHELD) || shown.equals(INVALID);
  }

  /** One URL of a policy, named by the check or hook that calls it. */
  private record Url(String owner, Supplier<String> get, Consumer<String> set) {}

  private static List<Url> urls(CanaryPolicySpec p) {
    List<Url> urls = new ArrayList<>();
    if (p.analysis != null && p.analysis.metrics != null) {
      for (CanaryPolicySpec.Metric m : p.analysis.metrics) {
        if (m.http != null && m.http.url != null) {
          urls.add(new Url("check " + m.name, () -> m.http.url, v -> m.http.url = v));
        }
      }
    }
    if (p.hooks != null) {
      hookUrls("preTraffic", p.hooks.preTraffic, urls);
      hookUrls("postTraffic", p.hooks.postTraffic, urls);
    }
    return urls;
  }

  private static void hookUrls(String stage, List<CanaryPolicySpec.Hook> hooks, List<Url> urls) {
    if (hooks == null) {
      return;
    }
    for (CanaryPolicySpec.Hook h : hooks) {
      if (h.http != null && h.http.url != null) {
        urls.add(new Url(stage + " hook " + h.name, () -> h.http.url, v -> h.http.url = v));
      }
    }
  }
}
