#!/usr/bin/env bash
# Builds the pinned helm from its Go module helm.sh/helm/v4 (no release-binary download is
# needed) once per machine, and prints its path:
#   ${XDG_CACHE_HOME:-~/.cache}/slipway/helm/v<version>/helm
# The chart test (HelmChartTest) installs deploy/helm/slipway with it into a real API server.
set -euo pipefail

: "${HELM_VERSION:=$(sed -n 's/^HELM_VERSION=//p' "$(dirname "$0")/versions.env")}"
out="${XDG_CACHE_HOME:-$HOME/.cache}/slipway/helm/v${HELM_VERSION}"

if [ ! -x "$out/helm" ]; then
  echo "build-helm: building helm v${HELM_VERSION} from its Go module (once per machine, a few minutes)" >&2
  mkdir -p "$out"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # `go install pkg@version` builds outside any module, with helm's own go.sum.
  GOBIN="$work" CGO_ENABLED=0 go install -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=v${HELM_VERSION}" \
    "helm.sh/helm/v4/cmd/helm@v${HELM_VERSION}"
  mv "$work/helm" "$out/helm"
fi
echo "$out/helm"
