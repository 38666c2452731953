/**
 * The public Slipway API, group {@code slipway.dev}, version {@code v1alpha1}. Field names here are
 * a contract with users' manifests: add fields freely, rename none. Every field carries a
 * {@code @JsonPropertyDescription}: it becomes the CRD's schema description and the API reference.
 */
package dev.slipway.api.v1alpha1;
