package dev.slipway.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** A status with Kubernetes-style conditions (not a bean getter, so Jackson leaves it alone). */
public interface HasConditions {

  List<Condition> conditions();
}
