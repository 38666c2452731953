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
