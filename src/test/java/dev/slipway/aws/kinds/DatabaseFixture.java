package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The databases of seeds 000 and 004 over {@link NetworkFixture}'s network: {@code orders}, Aurora
 * PostgreSQL Serverless v2 at 0.5 to 4 ACUs, and {@code willbook}, an RDS PostgreSQL instance.
 */
final class DatabaseFixture {

  private DatabaseFixture() {}

  static ServerlessServiceSpec spec() {
    ServerlessServiceSpec spec = NetworkFixture.spec();
    spec.databases.add(aurora());
    spec.databases.add(postgres());
    return spec;
  }

  static DatabaseSpec aurora() {
    return database("name: orders\nengine: aurora-postgresql\nengineVersion: '16.4'\ndatabaseName: orders\n"
        + "serverless: { minCapacity: 0.5, maxCapacity: 4 }\n");
  }

  static DatabaseSpec postgres() {
    return database("name: willbook\nengine: postgres\nengineVersion: '16.4'\ndatabaseName: willbook\n"
        + "instance: { instanceClass: db.t4g.micro, allocatedStorage: 20 }\n");
  }

  static DatabaseSpec database(String yaml) {
    return Serialization.unmarshal(yaml, DatabaseSpec.class);
  }

  static DatabaseSpec named(ServerlessServiceSpec spec, String name) {
    return spec.databases.stream().filter(d -> d.name.equals(name)).findFirst().orElseThrow();
  }
}
