/**
 * The public Slipway API, group {@code slipway.dev}, version {@code v1alpha1}. Field names here are
 * a contract with users' manifests: add fields freely, rename none. Every field carries a
 * {@code @JsonPropertyDescription}: it becomes the CRD's schema description and the API reference.
 *
 * <p>CEL rules ({@code @ValidationRule}) use the reasons FieldValueInvalid, FieldValueRequired or
 * FieldValueForbidden, never FieldValueDuplicate: the API server renders a Duplicate error as
 * {@code spec: Duplicate value: "object"} and drops the rule's message, so the user would not learn
 * what is duplicated.
 */
package dev.slipway.api.v1alpha1;
