{{/* Labels every object of the release carries. */}}
{{- define "slipway.labels" -}}
app.kubernetes.io/name: slipway-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* What the Deployment selects its pods by (immutable once installed). */}}
{{- define "slipway.selector" -}}
app.kubernetes.io/name: slipway-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The rules of one Role or ClusterRole of deploy/manifests/rbac.yaml (files/rbac.yaml links to it), so
the chart and the kustomize install grant the same and the rules are written once:
  include "slipway.rules" (dict "files" .Files "kind" "ClusterRole" "name" "slipway-operator")
*/}}
{{- define "slipway.rules" -}}
{{- range (.files.Get "files/rbac.yaml" | splitList "\n---\n") }}
{{- $doc := fromYaml . }}
{{- if and (eq (get $doc "kind") $.kind) (eq (get (get $doc "metadata" | default dict) "name") $.name) }}
{{- toYaml $doc.rules }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The operator Deployments, as a YAML list of {name, lease, env, selector}: one owning every object
without .Values.shards; else one per shard (the objects labelled slipway.dev/shard=<shard>, the
Lease <leaseName>-<shard>) and, with .Values.unlabelledShard, one for the objects without the label.
  include "slipway.operators" . | fromYamlArray
*/}}
{{- define "slipway.operators" -}}
{{- $lease := .Values.leaderElection.leaseName }}
{{- if not .Values.shards }}
- name: slipway-operator
  lease: {{ $lease }}
  env: []
  selector: {}
{{- else }}
{{- range .Values.shards }}
{{- if not (regexMatch "^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$" (toString .)) }}
{{- fail (printf "shards: %v is no DNS label of at most 40 characters (lower-case letters, digits, '-')" .) }}
{{- end }}
- name: slipway-operator-{{ . }}
  lease: {{ $lease }}-{{ . }}
  env: [{ name: SLIPWAY_SHARD, value: {{ . | quote }} }]
  selector: { slipway.dev/operator-shard: {{ . | quote }} }
{{- end }}
{{- if .Values.unlabelledShard }}
- name: slipway-operator-unlabelled
  lease: {{ $lease }}-unlabelled
  env: [{ name: SLIPWAY_SHARD_UNLABELLED, value: "true" }]
  selector: { slipway.dev/operator-shard: unlabelled }
{{- end }}
{{- end }}
{{- end -}}
