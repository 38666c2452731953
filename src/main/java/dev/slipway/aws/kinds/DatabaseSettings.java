package dev.slipway.aws.kinds;

import dev.slipway.api.v1alpha1.DatabaseSpec;
import dev.slipway.api.v1alpha1.ServerlessServiceSpec;
import dev.slipway.aws.Delta;
import dev.slipway.aws.NotReady;
import dev.slipway.aws.SlipwayException;
import dev.slipway.aws.StackContext;
import dev.slipway.status.Reasons;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.rds.model.DBCluster;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.MasterUserSecret;
import software.amazon.awssdk.services.rds.model.VpcSecurityGroupMembership;

/**
 * The settings an Aurora cluster and an RDS instance hold alike, defined once: what the spec wants,
 * how either shows them, how they compare (an engine change, a downgrade or a lost encryption is
 * refused, never a replacement), readiness, and the final snapshot's name under deletionPolicy Delete.
 */
final class DatabaseSettings {

  /** How soon to look again at a database RDS is creating, modifying or deleting: these take minutes. */
  static final Duration BUSY = Duration.ofSeconds(30);
  private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

  private DatabaseSettings() {}

  /** What the spec wants of a database's cluster (Aurora) or instance (RDS). */
  record Wanted(String engine, String engineVersion, int port, int backupRetentionDays, boolean deletionProtection, SortedSet<String> securityGroups) {
    static Wanted of(StackContext ctx, DatabaseSpec db) {
      String group = ctx.output(SecurityGroupKind.idOutput(RdsResources.securityGroup(db)));
      // Retain leaves the database in AWS when the service lets go of it: nothing else may delete it then either.
      boolean protect = ctx.spec().deletionPolicy == ServerlessServiceSpec.DeletionPolicy.Retain;
      return new Wanted(db.engine.id(), db.engineVersion, db.effectivePort(), db.backupRetentionDays, protect, new TreeSet<>(List.of(group)));
    }
  }

  /** The same settings as RDS shows them, plus its state, encryption and managed secret. */
  record Seen(String status, String engine, String engineVersion, Integer port, Integer backupRetentionDays, Boolean deletionProtection,
      Boolean copyTagsToSnapshot, Boolean storageEncrypted, String secretArn, SortedSet<String> securityGroups) {

    static Seen of(DBCluster c) {
      return new Seen(c.status(), c.engine(), c.engineVersion(), c.port(), c.backupRetentionPeriod(), c.deletionProtection(), c.copyTagsToSnapshot(),
          c.storageEncrypted(), secret(c.masterUserSecret()), groups(c.vpcSecurityGroups()));
    }

    static Seen of(DBInstance i) {
      Integer port = i.endpoint() != null ? i.endpoint().port() : i.dbInstancePort();
      return new Seen(i.dbInstanceStatus(), i.engine(), i.engineVersion(), port, i.backupRetentionPeriod(), i.deletionProtection(),
          i.copyTagsToSnapshot(), i.storageEncrypted(), secret(i.masterUserSecret()), groups(i.vpcSecurityGroups()));
    }

    private static String secret(MasterUserSecret s) {
      return s == null ? null : s.secretArn();
    }

    private static SortedSet<String> groups(List<VpcSecurityGroupMembership> groups) {
      return new TreeSet<>(groups.stream().map(VpcSecurityGroupMembership::vpcSecurityGroupId).toList());
    }
  }

  /** Anything but available: RDS is still creating, modifying, backing up or deleting it, and takes no change meanwhile. */
  static Optional<NotReady> readiness(String what, Seen seen) {
    return "available".equals(seen.status()) ? Optional.empty() : Optional.of(NotReady.awaiting(what + " is " + seen.status(), BUSY));
  }

  /**
   * Where the database differs from the spec in what can change in place, as one ModifyDB* call sets
   * it; what cannot change in place is a terminal refusal naming what to do instead.
   */
  static Delta.Builder compare(String what, Wanted want, Seen seen) {
    if (!want.engine().equals(seen.engine())) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, what + " runs " + seen.engine() + ", the spec asks for " + want.engine()
          + ": an engine cannot change in place; declare a new database (fromSnapshot restores data into it)");
    }
    if (!Boolean.TRUE.equals(seen.storageEncrypted())) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, what + " is not encrypted and cannot be encrypted in place; restore an encrypted"
          + " copy of its snapshot into a new database");
    }
    Delta.Builder delta = Delta.builder();
    int order = compareVersions(want.engineVersion(), seen.engineVersion());
    if (order < 0) {
      throw SlipwayException.terminal(Reasons.IMMUTABLE_FIELD, what + " runs " + seen.engine() + " " + seen.engineVersion() + ", the spec asks for "
          + want.engineVersion() + ": AWS cannot downgrade a database");
    }
    if (order > 0) {
      delta.add("engineVersion", want.engineVersion(), seen.engineVersion());
    }
    return delta.compare("port", want.port(), seen.port())
        .compare("backupRetentionDays", want.backupRetentionDays(), seen.backupRetentionDays())
        .compare("deletionProtection", want.deletionProtection(), Boolean.TRUE.equals(seen.deletionProtection()))
        .compare("copyTagsToSnapshot", true, Boolean.TRUE.equals(seen.copyTagsToSnapshot()))
        .compare("securityGroups", want.securityGroups(), seen.securityGroups())
        // A restored database, or one whose managed password someone turned off, gets it (back).
        .compare("manageMasterUserPassword", true, seen.secretArn() != null);
  }

  /** The setters of a ModifyDBCluster or ModifyDBInstance request for the shared settings: the two SDK builders share no type. */
  record Setters(BiConsumer<String, Boolean> engineVersion, IntConsumer port, IntConsumer backupRetentionDays, Consumer<Boolean> deletionProtection,
      Consumer<Boolean> copyTagsToSnapshot, Consumer<Collection<String>> securityGroups, Consumer<Boolean> manageMasterUserPassword) {}

  /** Sets on a modify request the shared settings {@code delta} names. */
  static void modify(Delta delta, Wanted want, Seen seen, Setters set) {
    if (delta.differsAt("engineVersion")) {
      set.engineVersion().accept(want.engineVersion(), majorUpgrade(seen.engineVersion(), want.engineVersion()));
    }
    if (delta.differsAt("port")) {
      set.port().accept(want.port());
    }
    if (delta.differsAt("backupRetentionDays")) {
      set.backupRetentionDays().accept(want.backupRetentionDays());
    }
    if (delta.differsAt("deletionProtection")) {
      set.deletionProtection().accept(want.deletionProtection());
    }
    if (delta.differsAt("copyTagsToSnapshot")) {
      set.copyTagsToSnapshot().accept(true);
    }
    if (delta.differsAt("securityGroups")) {
      set.securityGroups().accept(want.securityGroups());
    }
    if (delta.differsAt("manageMasterUserPassword")) {
      set.manageMasterUserPassword().accept(true);
    }
  }

  /** Whether going from {@code from} to {@code to} crosses a major version, which RDS only does when told it may. */
  static boolean majorUpgrade(String from, String to) {
    return !from.split("\\.")[0].equals(to.split("\\.")[0]);
  }

  /**
   * Versions compared part by part, numerically where both parts are numbers (16.10 is after 16.9);
   * a spec version that is a prefix of the running one (16 of 16.4) is the same version.
   */
  static int compareVersions(String wanted, String running) {
    String[] a = wanted.split("\\.");
    String[] b = Objects.requireNonNullElse(running, "").split("\\.");
    for (int i = 0; i < a.length; i++) {
      if (i >= b.length) {
        return 1;
      }
      int c = a[i].matches("[0-9]+") && b[i].matches("[0-9]+") ? Long.compare(Long.parseLong(a[i]), Long.parseLong(b[i])) : a[i].compareTo(b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** The final snapshot of a database deleted under deletionPolicy Delete: {@code <id>-final-<UTC time to the second>}. */
  static String finalSnapshot(String identifier, Clock clock) {
    return identifier + "-final-" + SNAPSHOT_TIME.format(clock.instant());
  }
}
