package dev.slipway.server;

import dev.slipway.api.v1alpha1.LambdaRelease;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Who may read a namespace's release history, decided by Kubernetes as for {@code kubectl get
 * lambdareleases}: the caller's bearer token is reviewed (TokenReview), and the user it names must be
 * allowed the verb on {@code lambdareleases.slipway.dev} in that namespace (SubjectAccessReview).
 * The operator's own permissions play no part: it reads every namespace, its callers only theirs.
 */
final class NamespaceAccess {

  /** The verdict on one request, with the HTTP status that says it. */
  enum Verdict {
    ALLOWED(200), UNAUTHENTICATED(401), FORBIDDEN(403);

    final int status;

    Verdict(int status) {
      this.status = status;
    }
  }

  private final KubernetesClient client;

  NamespaceAccess(KubernetesClient client) {
    this.client = client;
  }

  /** {@code authorization} is the request's Authorization header (null without). */
  Verdict check(String authorization, String verb, String namespace) {
    String token = bearer(authorization);
    if (token == null) {
      return Verdict.UNAUTHENTICATED;
    }
    TokenReview review = client.authentication().v1().tokenReviews().create(
        new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
      return Verdict.UNAUTHENTICATED;
    }
    UserInfo user = review.getStatus().getUser();
    SubjectAccessReview access = client.authorization().v1().subjectAccessReview().create(
        new SubjectAccessReviewBuilder().withNewSpec()
            .withUser(user.getUsername()).withGroups(user.getGroups()).withUid(user.getUid())
            .withExtra(user.getExtra() == null ? Map.<String, List<String>>of() : user.getExtra())
            .withNewResourceAttributes()
            .withGroup(HasMetadata.getGroup(LambdaRelease.class)).withResource(HasMetadata.getPlural(LambdaRelease.class)).withVerb(verb).withNamespace(namespace)
            .endResourceAttributes()
            .endSpec().build());
    return access.getStatus() != null && Boolean.TRUE.equals(access.getStatus().getAllowed()) ? Verdict.ALLOWED : Verdict.FORBIDDEN;
  }

  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = authorization.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
