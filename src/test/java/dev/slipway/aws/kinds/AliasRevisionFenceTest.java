package dev.slipway.aws.kinds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.aws.AwsErrors;
import dev.slipway.testing.AwsFaults;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;

/**
 * UpdateAlias fenced with the alias's RevisionId: a write based on a read that another writer has
 * overtaken fails and leaves that writer's routing. moto 5.2.1 ignores RevisionId on UpdateAlias,
 * so the {@link AwsFaults#fenceAliasRevisions} test double plays Lambda's check in front of it.
 */
class AliasRevisionFenceTest {

  private KindHarness stack;
  private LambdaVersions versions;
  private String function;

  @BeforeEach
  void function() {
    stack = new KindHarness(AwsFaults.shared().endpoint(), KindHarness.bare(), new LambdaFunctionKind());
    stack.addFunction("api", stack.upload("api-1.0.zip", "v1"));
    stack.settle(); // version 1, alias prod -> 1
    function = stack.physicalName("api");
    AwsFaults.shared().fenceAliasRevisions(function::equals);
    versions = new LambdaVersions(stack.operator().lambda());
    stack.raw().lambda().publishVersion(r -> r.functionName(function)); // version 2, same code
  }

  @AfterEach
  void close() {
    AwsFaults.shared().clearFaults();
    stack.close();
  }

  @Test
  void anUpdateAliasWithARevisionSomeoneElseOvertookFailsAndLeavesTheirRouting() {
    LambdaVersions.AliasRouting read = versions.readAlias(function, "prod").orElseThrow();
    assertThat(read.revisionId()).isNotNull();

    // Another writer (a replica that holds the lease now) moves the alias after our read.
    LambdaVersions.AliasRouting theirs = versions.route(function, "prod", "1", "2", 50);
    assertThat(theirs.revisionId()).isNotEqualTo(read.revisionId());

    assertThatThrownBy(() -> versions.route(function, "prod", "1", "2", 10, read.revisionId()))
        .isInstanceOf(PreconditionFailedException.class)
        .satisfies(e -> assertThat(AwsErrors.isPreconditionFailed(e)).isTrue())
        .satisfies(e -> assertThat(AwsErrors.isRetryable(e)).isFalse());
    assertThatThrownBy(() -> versions.pointAt(function, "prod", "1", read.revisionId())).isInstanceOf(PreconditionFailedException.class);
    LambdaVersions.AliasRouting now = versions.readAlias(function, "prod").orElseThrow();
    assertThat(now.canaryVersion()).isEqualTo("2");
    assertThat(now.canaryPercent()).isEqualTo(50);

    // Read again, the write goes through, and its answer carries the revision to fence the next one.
    LambdaVersions.AliasRouting back = versions.pointAt(function, "prod", "1", now.revisionId());
    assertThat(back.weighted()).isFalse();
    assertThat(versions.readAlias(function, "prod").orElseThrow().revisionId()).isEqualTo(back.revisionId());
  }
}
