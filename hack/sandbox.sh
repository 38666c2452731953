#!/usr/bin/env bash
# A local sandbox for Slipway: etcd, kube-apiserver, kube-controller-manager (garbage collector and
# namespace controller only) and moto_server, all on 127.0.0.1, in the background, with data, certificates, logs and pid files under $SANDBOX_DIR (default .sandbox/).
#
#   hack/sandbox.sh up       start what is not running (idempotent), write kubeconfig and env
#   hack/sandbox.sh down     stop everything (data is kept for the next `up`)
#   hack/sandbox.sh status   show what runs; exit 0 only when everything runs
#
# Then `source .sandbox/env` points kubectl, the AWS CLI/SDK and the operator at the sandbox.
#
# Environment:
#   SANDBOX_DIR        where everything lives (default <repo>/.sandbox)
#   SANDBOX_MOTO       0 to leave moto out (the JUnit harness runs its own)        default 1
#   SANDBOX_WATCH_PID  stop the sandbox when this process exits (used by the tests, so a killed
#                      test JVM leaves no servers behind)
#   KUBE_VERSION, KUBE_BIN_DIR   which Kubernetes build to use (see build-kube.sh)
set -euo pipefail

HACK_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(dirname "$HACK_DIR")"
: "${KUBE_VERSION:=$(sed -n 's/^KUBE_VERSION=//p' "$HACK_DIR/versions.env")}"
: "${KUBE_BIN_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/slipway/kube}"
BIN="$KUBE_BIN_DIR/k8s/${KUBE_VERSION}-linux-amd64"
SANDBOX_DIR="${SANDBOX_DIR:-$REPO_DIR/.sandbox}"
SANDBOX_MOTO="${SANDBOX_MOTO:-1}"
PKI="$SANDBOX_DIR/pki"
RUN="$SANDBOX_DIR/run"
LOGS="$SANDBOX_DIR/logs"
PORTS="$SANDBOX_DIR/ports.env"
AWS_REGION_DEFAULT=us-east-1

say() { echo "sandbox: $*" >&2; }
fail() {
  say "FAILED: $1"
  if [ -n "${2:-}" ] && [ -f "$2" ]; then
    say "last lines of $2:"
    tail -n 25 "$2" >&2
  fi
  exit 1
}

need() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed ($2)"
}

# --- processes ----------------------------------------------------------------------------------

# A pid file counts only while its process lives and still runs the expected program (pids get reused).
running() {
  local name="$1" pid
  [ -f "$RUN/$name.pid" ] || return 1
  pid="$(cat "$RUN/$name.pid")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_busy() {
  python3 -c 'import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# Keeps a component's port across restarts unless something else took it meanwhile.
port_for() {
  local var="$1" port
  port="$(sed -n "s/^$var=//p" "$PORTS" 2>/dev/null || true)"
  if [ -z "$port" ] || port_busy "$port"; then
    port="$(free_port)"
    { grep -v "^$var=" "$PORTS" 2>/dev/null || true; echo "$var=$port"; } >"$PORTS.tmp"
    mv "$PORTS.tmp" "$PORTS"
  fi
  echo "$port"
}

recorded_port() { sed -n "s/^$1=//p" "$PORTS" 2>/dev/null; }

# Starts a command detached from this shell (own session, no inherited pipes) and records its pid.
spawn() {
  local name="$1"; shift
  setsid "$@" </dev/null >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_until() {
  local what="$1" log="$2" name="$3" seconds="$4"; shift 4
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    # Sleep first: right after spawn the pid may still be this shell's fork, not yet the program.
    sleep 0.3
    running "$name" "$name" || fail "$what exited during start-up" "$log"
    [ $SECONDS -lt $deadline ] || fail "$what not ready after ${seconds}s" "$log"
  done
}

# --- certificates -------------------------------------------------------------------------------

make_pki() {
  [ -f "$PKI/admin.crt" ] && return 0
  need openssl "apt-get install openssl"
  mkdir -p "$PKI"
  local tmp; tmp="$(mktemp -d)"
  (
    cd "$tmp"
    openssl req -x509 -new -nodes -newkey rsa:2048 -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=slipway-sandbox-ca" 2>/dev/null
    # Serving certificate: the names clients use locally and inside the (absent) cluster network.
    openssl req -new -nodes -newkey rsa:2048 -keyout apiserver.key -out apiserver.csr \
      -subj "/CN=kube-apiserver" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:127.0.0.1,IP:10.0.0.1\nextendedKeyUsage=serverAuth\n' >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile apiserver.ext -out apiserver.crt 2>/dev/null
    # Admin client: the group system:masters is bound to cluster-admin, so RBAC lets it do anything.
    openssl req -new -nodes -newkey rsa:2048 -keyout admin.key -out admin.csr \
      -subj "/O=system:masters/CN=slipway-admin" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile admin.ext -out admin.crt 2>/dev/null
    # Service-account token signing keys.
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    cp ca.crt ca.key apiserver.crt apiserver.key admin.crt admin.key sa.key sa.pub "$PKI/"
  ) || { rm -rf "$tmp"; fail "generating certificates with openssl"; }
  rm -rf "$tmp"
  chmod 600 "$PKI"/*.key
}

# --- components ---------------------------------------------------------------------------------

start_etcd() {
  if running etcd etcd; then return 0; fi
  local port peer
  port="$(port_for ETCD_PORT)"
  peer="$(port_for ETCD_PEER_PORT)"
  mkdir -p "$SANDBOX_DIR/etcd"
  spawn etcd "$BIN/etcd" --name sandbox --data-dir "$SANDBOX_DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "sandbox=http://127.0.0.1:$peer" --logger zap
  wait_until "etcd" "$LOGS/etcd.log" etcd 30 curl -fsS "http://127.0.0.1:$port/health"
  say "etcd up on 127.0.0.1:$port"
}

start_apiserver() {
  if running kube-apiserver kube-apiserver; then return 0; fi
  local port etcd_port
  port="$(port_for API_PORT)"
  etcd_port="$(recorded_port ETCD_PORT)"
  mkdir -p "$SANDBOX_DIR/apiserver"
  # --endpoint-reconciler-type none: the `kubernetes` Endpoints may not hold a loopback address,
  # and nothing runs in-cluster here that would use it. OwnerReferencesPermissionEnforcement, as
  # many clusters run it: an owner reference with blockOwnerDeletion needs update on the owner's
  # finalizers, so the tests (which run the operator as its ServiceAccount) show that RBAC has it.
  spawn kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$etcd_port" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" \
    --cert-dir "$SANDBOX_DIR/apiserver" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 \
    --authorization-mode RBAC \
    --enable-admission-plugins OwnerReferencesPermissionEnforcement \
    --endpoint-reconciler-type none \
    --profiling=false
  wait_until "kube-apiserver" "$LOGS/kube-apiserver.log" kube-apiserver 90 \
    curl -fsS --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" "https://127.0.0.1:$port/readyz"
  say "kube-apiserver v$KUBE_VERSION up on https://127.0.0.1:$port"
}

# Only the controllers whose absence a Slipway user would notice: without the garbage collector
# ownerReferences are never followed, without the namespace controller a deleted namespace stays
# Terminating. No serving port (--secure-port 0), no leader election, the admin kubeconfig.
start_controller_manager() {
  if running kube-controller-manager kube-controller-manager; then return 0; fi
  spawn kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$SANDBOX_DIR/kubeconfig" \
    --controllers garbage-collector-controller,namespace-controller \
    --use-service-account-credentials=false \
    --secure-port 0 --leader-elect=false --profiling=false
  # Ready once both have synced their informers (the garbage collector watches every resource).
  wait_until "kube-controller-manager" "$LOGS/kube-controller-manager.log" kube-controller-manager 90 \
    bash -c 'grep -q "Caches are synced for namespace" "$1" && grep -q "Proceeding to collect garbage" "$1"' _ "$LOGS/kube-controller-manager.log"
  say "kube-controller-manager up (garbage collector, namespace controller)"
}

start_moto() {
  if running moto moto_server; then return 0; fi
  need moto_server "run: make deps"
  local port
  port="$(port_for MOTO_PORT)"
  # AWS's managed policies exist, as in AWS: REST access logs attach one to the account's CloudWatch role.
  spawn moto env MOTO_IAM_LOAD_MANAGED_POLICIES=true moto_server -H 127.0.0.1 -p "$port"
  wait_until "moto_server" "$LOGS/moto.log" moto 60 curl -fsS "http://127.0.0.1:$port/moto-api/data.json"
  # No docker engine: Lambda functions are stored and versioned, never run.
  curl -fsS -X POST -H 'Content-Type: application/json' -d '{"lambda":{"use_docker":false}}' \
    "http://127.0.0.1:$port/moto-api/config" >/dev/null || fail "configuring moto" "$LOGS/moto.log"
  say "moto_server up on http://127.0.0.1:$port"
}

write_client_files() {
  local api_port; api_port="$(recorded_port API_PORT)"
  ln -sfn "$BIN" "$SANDBOX_DIR/bin"
  cat >"$SANDBOX_DIR/kubeconfig.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: slipway-sandbox
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority: $PKI/ca.crt
users:
- name: slipway-admin
  user:
    client-certificate: $PKI/admin.crt
    client-key: $PKI/admin.key
contexts:
- name: slipway-sandbox
  context:
    cluster: slipway-sandbox
    user: slipway-admin
    namespace: default
current-context: slipway-sandbox
EOF
  mv "$SANDBOX_DIR/kubeconfig.tmp" "$SANDBOX_DIR/kubeconfig"
  {
    echo "# source this file: kubectl, the AWS SDK/CLI and the operator then use the sandbox"
    echo "export KUBECONFIG='$SANDBOX_DIR/kubeconfig'"
    echo "export PATH='$SANDBOX_DIR/bin':\"\$PATH\""
    if [ "$SANDBOX_MOTO" = 1 ]; then
      echo "export AWS_ENDPOINT_URL='http://127.0.0.1:$(recorded_port MOTO_PORT)'"
      echo "export AWS_REGION=$AWS_REGION_DEFAULT AWS_DEFAULT_REGION=$AWS_REGION_DEFAULT"
      echo "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing"
    fi
  } >"$SANDBOX_DIR/env"
}

wait_for_default_namespace() {
  wait_until "kube-apiserver (namespace default)" "$LOGS/kube-apiserver.log" kube-apiserver 60 \
    "$BIN/kubectl" --kubeconfig "$SANDBOX_DIR/kubeconfig" get namespace default
}

start_watchdog() {
  [ -n "${SANDBOX_WATCH_PID:-}" ] || return 0
  running watchdog sandbox.sh && return 0
  SANDBOX_DIR="$SANDBOX_DIR" spawn watchdog bash -c \
    'while kill -0 "$1" 2>/dev/null; do sleep 2; done; exec "$2" down' watchdog "$SANDBOX_WATCH_PID" "$HACK_DIR/sandbox.sh"
}

up() {
  for b in etcd kube-apiserver kube-controller-manager kubectl; do
    [ -x "$BIN/$b" ] || fail "$BIN/$b is missing: run \`make deps\` (builds Kubernetes v$KUBE_VERSION once per machine)"
  done
  need curl "apt-get install curl"
  need python3 "it picks free ports"
  mkdir -p "$RUN" "$LOGS"
  make_pki
  start_etcd
  start_apiserver
  [ "$SANDBOX_MOTO" = 1 ] && start_moto
  write_client_files
  wait_for_default_namespace
  start_controller_manager
  start_watchdog
  say "ready: source $SANDBOX_DIR/env"
}

down() {
  local name pid
  for name in moto kube-controller-manager kube-apiserver etcd watchdog; do
    [ -f "$RUN/$name.pid" ] || continue
    pid="$(cat "$RUN/$name.pid")"
    # The watchdog ends by running `down` in its own process: it must not kill itself.
    if [ "$pid" != "$$" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      say "stopped $name"
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  local ok=0 name pattern
  for entry in etcd:etcd:ETCD_PORT kube-apiserver:kube-apiserver:API_PORT \
      kube-controller-manager:kube-controller-manager: moto:moto_server:MOTO_PORT; do
    IFS=: read -r name pattern port_var <<<"$entry"
    [ "$name" = moto ] && [ "$SANDBOX_MOTO" != 1 ] && continue
    if running "$name" "$pattern"; then
      echo "$name: running (pid $(cat "$RUN/$name.pid")${port_var:+, 127.0.0.1:$(recorded_port "$port_var")}, log $LOGS/$name.log)"
    else
      echo "$name: stopped"
      ok=3
    fi
  done
  return $ok
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
