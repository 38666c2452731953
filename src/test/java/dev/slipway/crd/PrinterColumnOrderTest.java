package dev.slipway.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.api.v1alpha1.CanaryPolicy;
import dev.slipway.api.v1alpha1.LambdaRelease;
import dev.slipway.api.v1alpha1.ServerlessService;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed CRDs carry the printer columns in annotation order, and the post-processor puts them there. */
class PrinterColumnOrderTest {

  @Test
  void committedCrdsListTheColumnsAsTheAnnotationsDo() throws Exception {
    assertColumns("lambdareleases", LambdaRelease.class, "Function", "Stable", "Canary", "Weight", "Step", "Phase", "Age");
    assertColumns("serverlessservices", ServerlessService.class, "Stage", "Region", "Ready", "Reason", "Age");
    assertColumns("canarypolicies", CanaryPolicy.class, "Preset", "Steps", "Valid", "Age");
  }

  @Test
  void sortsByDeclarationKeepsUndeclaredColumnsLastAndDropsPriorityZero() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewSpec()
            .withGroup("slipway.dev")
            .withNewNames().withKind("LambdaRelease").endNames()
            .addNewVersion()
            .withName("v1alpha1")
            .withAdditionalPrinterColumns(
                column("Age", ".metadata.creationTimestamp", 0),
                column("Extra", ".status.extra", 1),
                column("Canary", ".status.canaryVersion", 0),
                column("Function", ".status.function", 0))
            .endVersion()
            .endSpec()
            .build();

    new PrinterColumnOrder().process(crd, "v1");

    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(columns).extracting(CustomResourceColumnDefinition::getName).containsExactly("Function", "Canary", "Age", "Extra");
    assertThat(columns).extracting(CustomResourceColumnDefinition::getPriority).containsExactly(null, null, null, 1);
  }

  @Test
  void aSlipwayKindWithoutAClassFailsTheBuild() {
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewSpec()
            .withGroup("slipway.dev")
            .withNewNames().withKind("Nonexistent").endNames()
            .addNewVersion().withName("v1alpha1").withAdditionalPrinterColumns(column("A", ".a", 0)).endVersion()
            .endSpec()
            .build();
    assertThatThrownBy(() -> new PrinterColumnOrder().process(crd, "v1"))
        .hasMessageContaining("dev.slipway.api.v1alpha1.Nonexistent");
  }

  private static CustomResourceColumnDefinition column(String name, String jsonPath, int priority) {
    return new CustomResourceColumnDefinitionBuilder().withName(name).withJsonPath(jsonPath).withType("string").withPriority(priority).build();
  }

  private static void assertColumns(String plural, Class<?> type, String... names) throws Exception {
    CustomResourceDefinition crd =
        Serialization.unmarshal(Files.readString(Path.of("deploy/crds/" + plural + ".slipway.dev.yaml")), CustomResourceDefinition.class);
    List<CustomResourceColumnDefinition> columns = crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    assertThat(columns).as(plural).extracting(CustomResourceColumnDefinition::getName).containsExactly(names);
    assertThat(columns).as(plural).extracting(CustomResourceColumnDefinition::getJsonPath)
        .containsExactlyElementsOf(PrinterColumnOrder.declaredJsonPaths(type));
    assertThat(columns).as(plural + ": priority 0 is left out").extracting(CustomResourceColumnDefinition::getPriority).containsOnlyNulls();
  }
}
