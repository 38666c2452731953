#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kubectl of one pinned Kubernetes version from the Go module
# k8s.io/kubernetes (no release-binary download is needed), and links Debian's etcd beside them
# in one directory the tests and the sandbox read:
#   $KUBE_BIN_DIR/k8s/<version>-linux-amd64/{etcd,kube-apiserver,kube-controller-manager,kubectl}
# Each binary is built once per machine; later calls only print the directory.
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

# Prepares a throwaway Go module that requires k8s.io/kubernetes at the pinned version, in $work.
prepare_module() {
  local work="$1" minor="0.${KUBE_VERSION#1.}"
  cd "$work"
  go mod init slipway.dev/kube-build >/dev/null 2>&1
  go mod edit -require "k8s.io/kubernetes@v${KUBE_VERSION}"
  # k8s.io/kubernetes requires its staging modules at v0.0.0; point each at its published twin.
  local proxy; proxy="$(go env GOPROXY | cut -d, -f1)"
  # The mirror lacks a few twins at some patch levels (k8s.io/endpointslice v0.32.13, which only
  # kube-controller-manager imports); such a module takes its newest published patch of the minor.
  local m v
  for m in $(curl -fsS "$proxy/k8s.io/kubernetes/@v/v${KUBE_VERSION}.mod" | awk '$1 ~ /^k8s.io\// && $2 == "v0.0.0" {print $1}'); do
    v="v${minor}"
    if ! curl -fsSI -o /dev/null "$proxy/$m/@v/$v.zip" 2>/dev/null; then
      v="$(curl -fsS "$proxy/$m/@v/list" | grep "^v${minor%.*}\." | sort -V | tail -1)"
      log "$m v${minor} is not published; using $v"
    fi
    go mod edit -replace "$m=$m@$v"
  done
  # Resolve only what the commands import (not their tests' deps): `go mod tidy` would also
  # want test-only modules, some of which the module mirror does not carry.
  export GOFLAGS="${GOFLAGS:-} -mod=mod"
}

# Builds each named command of k8s.io/kubernetes/cmd into $out, each only if it is missing, so a
# machine that already has kube-apiserver and kubectl only builds what was added later.
build_go_binaries() {
  local missing=() cmd
  for cmd in "$@"; do [ -x "$out/$cmd" ] || missing+=("$cmd"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  local work; work="$(mktemp -d)"
  trap 'rm -rf "$work"' RETURN
  log "building ${missing[*]} v${KUBE_VERSION} from Go modules (once per machine, ~10-20 min each on 2 cores)"
  (
    prepare_module "$work"
    for cmd in "${missing[@]}"; do
      CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=v${KUBE_VERSION} -X k8s.io/client-go/pkg/version.gitVersion=v${KUBE_VERSION}" \
        -o "$out/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
      mv "$out/$cmd.tmp" "$out/$cmd"
    done
  )
}

mkdir -p "$out"
build_go_binaries kube-apiserver kubectl
# The garbage collector and the namespace controller: without them a deleted namespace stays
# Terminating and ownerReferences are never followed.
build_go_binaries kube-controller-manager
ensure_etcd
echo "$KUBE_BIN_DIR"
