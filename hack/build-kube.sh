#!/usr/bin/env bash
# Builds kube-apiserver and kubectl of one pinned Kubernetes version from the Go module
# k8s.io/kubernetes (no release-binary download is needed), and links Debian's etcd beside them
# in one directory the tests and the sandbox read:
#   $KUBE_BIN_DIR/k8s/<version>-linux-amd64/{etcd,kube-apiserver,kubectl}
# The build runs once per machine; later calls only print the directory.
set -euo pipefail

# The environment may override the pinned version.
: "${KUBE_VERSION:=$(sed -n 's/^KUBE_VERSION=//p' "$(dirname "$0")/versions.env")}"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/slipway"
KUBE_BIN_DIR="${KUBE_BIN_DIR:-$CACHE_ROOT/kube}"
out="$KUBE_BIN_DIR/k8s/${KUBE_VERSION}-linux-amd64"

log() { echo "build-kube: $*" >&2; }

ensure_etcd() {
  if ! command -v etcd >/dev/null 2>&1 && [ ! -x /usr/bin/etcd ]; then
    log "installing etcd-server from Debian"
    if [ "$(id -u)" -eq 0 ]; then
      (apt-get install -y -q etcd-server >/dev/null 2>&1) || { apt-get update -q >/dev/null && apt-get install -y -q etcd-server >/dev/null; }
    else
      sudo apt-get update -q >/dev/null && sudo apt-get install -y -q etcd-server >/dev/null
    fi
  fi
  # Debian's package ships the server as /usr/bin/etcd; it must not start a system service here.
  ln -sf "$(command -v etcd || echo /usr/bin/etcd)" "$out/etcd"
}

build_go_binaries() {
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  local minor="0.${KUBE_VERSION#1.}"
  log "building kube-apiserver and kubectl v${KUBE_VERSION} from Go modules (first time only, ~10-20 min on 2 cores)"
  (
    cd "$work"
    go mod init slipway.dev/kube-build >/dev/null 2>&1
    go mod edit -require "k8s.io/kubernetes@v${KUBE_VERSION}"
    # k8s.io/kubernetes requires its staging modules at v0.0.0; point each at its published twin.
    local proxy; proxy="$(go env GOPROXY | cut -d, -f1)"
    for m in $(curl -fsS "$proxy/k8s.io/kubernetes/@v/v${KUBE_VERSION}.mod" | awk '$1 ~ /^k8s.io\// && $2 == "v0.0.0" {print $1}'); do
      go mod edit -replace "$m=$m@v${minor}"
    done
    cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
    # Resolve only what the two commands import (not their tests' deps): `go mod tidy` would also
    # want test-only modules, some of which the module mirror does not carry.
    export GOFLAGS="${GOFLAGS:-} -mod=mod"
    mkdir -p "$out"
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${KUBE_VERSION} -X k8s.io/client-go/pkg/version.gitVersion=v${KUBE_VERSION}" \
      -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${KUBE_VERSION} -X k8s.io/client-go/pkg/version.gitVersion=v${KUBE_VERSION}" \
      -o "$out/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
    mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
    mv "$out/kubectl.tmp" "$out/kubectl"
  )
}

mkdir -p "$out"
if [ ! -x "$out/kube-apiserver" ] || [ ! -x "$out/kubectl" ]; then
  build_go_binaries
fi
ensure_etcd
echo "$KUBE_BIN_DIR"
