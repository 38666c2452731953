#!/usr/bin/env bash
# make demo: the whole of Slipway on this machine. A real kube-apiserver + etcd and moto (the
# sandbox), the operator built from this checkout and run against them, the nexus stack applied
# with kubectl, then two releases of conversation-api: a healthy canary that is promoted, and one
# whose error rate (put into CloudWatch by this script) makes Slipway roll it back.
#
#   hack/demo.sh        run the demo (leaves the sandbox and the operator running to explore)
#   hack/demo.sh stop   stop the operator and the sandbox
set -euo pipefail

HACK_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_DIR="$(dirname "$HACK_DIR")"
SANDBOX_DIR="$REPO_DIR/.sandbox"
OPERATOR_PID="$SANDBOX_DIR/run/operator.pid"
OPERATOR_LOG="$SANDBOX_DIR/logs/operator.log"
cd "$REPO_DIR"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

stop_operator() {
  if [ -f "$OPERATOR_PID" ] && kill -0 "$(cat "$OPERATOR_PID")" 2>/dev/null; then
    kill "$(cat "$OPERATOR_PID")"
    rm -f "$OPERATOR_PID"
    echo "demo: operator stopped"
  fi
}

if [ "${1:-}" = stop ]; then
  stop_operator
  hack/sandbox.sh down
  exit 0
fi

step "Sandbox: etcd, kube-apiserver $(sed -n 's/^KUBE_VERSION=//p' hack/versions.env) and moto on loopback"
hack/sandbox.sh up
# shellcheck source=/dev/null
source "$SANDBOX_DIR/env"

step "Build the operator"
mvn -B -q package -DskipTests
ls -1 target/quarkus-app/quarkus-run.jar

step "Install the CRDs"
show kubectl apply --server-side -f deploy/crds
kubectl wait --for=condition=Established crd --all --timeout=60s >/dev/null

step "Start the operator against the sandbox (log: $OPERATOR_LOG)"
stop_operator
SLIPWAY_AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" SLIPWAY_RESYNC_PERIOD=30s QUARKUS_HTTP_PORT="${SLIPWAY_DEMO_HTTP_PORT:-8080}" \
  nohup java -jar target/quarkus-app/quarkus-run.jar >"$OPERATOR_LOG" 2>&1 &
echo $! >"$OPERATOR_PID"
for _ in $(seq 60); do
  grep -q 'Operator started\|started in' "$OPERATOR_LOG" 2>/dev/null && break
  kill -0 "$(cat "$OPERATOR_PID")" 2>/dev/null || { tail -30 "$OPERATOR_LOG"; echo "demo: the operator exited"; exit 1; }
  sleep 1
done
echo "operator running, pid $(cat "$OPERATOR_PID")"

step "Upload the function code and the built frontend the example names (real zips in moto's S3)"
python3 - <<'PY'
import io, os, zipfile, boto3
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
for bucket in ("nexus-artifacts", "todo-artifacts"):
    try:
        s3.create_bucket(Bucket=bucket)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
def package(version):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("handlers/__init__.py", (1980, 1, 1, 0, 0, 0)), "")
        z.writestr(zipfile.ZipInfo("handlers/api.py", (1980, 1, 1, 0, 0, 0)),
                   f'def handler(event, context):\n    return {{"statusCode": 200, "body": "nexus {version}"}}\n')
    return buf.getvalue()
for version in ("1.4.0", "1.5.0", "1.6.0"):
    s3.put_object(Bucket="nexus-artifacts", Key=f"backend/{version}.zip", Body=package(version))
    print(f"s3://nexus-artifacts/backend/{version}.zip")
site = io.BytesIO()
with zipfile.ZipFile(site, "w") as z:
    z.writestr("index.html", "<!doctype html><title>Nexus</title><script type=module src=/assets/app.js></script>")
    z.writestr("assets/app.js", "fetch('/config.json').then(r => r.json()).then(c => document.title = c.appName)")
s3.put_object(Bucket="nexus-artifacts", Key="frontend/1.4.0.zip", Body=site.getvalue())
print("s3://nexus-artifacts/frontend/1.4.0.zip")
for key in ("api/2.3.0.zip",):
    s3.put_object(Bucket="todo-artifacts", Key=key, Body=package("todo"))
    print(f"s3://todo-artifacts/{key}")
PY

step "Apply the nexus stack (examples/nexus) with kubectl"
show kubectl apply -f examples/nexus/
show kubectl wait --for=condition=Ready sls/nexus -n chat --timeout=180s
show kubectl get sls,cp -n chat
step "What Slipway built (status.resources) and its outputs (ConfigMap nexus-outputs)"
kubectl get sls nexus -n chat -o go-template='{{range .status.resources}}{{printf "%-16s %-36s %s\n" .kind .physicalName .state}}{{end}}'
echo
kubectl get configmap nexus-outputs -n chat -o go-template='{{range $k, $v := .data}}{{$k}} = {{$v}}{{"\n"}}{{end}}'
step "Where nexus is served (its own zone and certificates) and what watches it"
kubectl get sls nexus -n chat -o go-template='frontend   {{index .status.outputs "domain.frontendUrl"}}
REST API   {{index .status.outputs "domain.restApiUrl"}}
WebSocket  {{index .status.outputs "domain.webSocketUrl"}}
zone NS    {{index .status.outputs "domain.nameServers"}}   (set these at the registrar)
dashboard  {{index .status.outputs "dashboardUrl"}}
'
echo "alarms:    $(aws cloudwatch describe-alarms --alarm-name-prefix nexus-prod- --query 'length(MetricAlarms)' --output text)," \
  "all notifying $(kubectl get sls nexus -n chat -o go-template='{{index .status.outputs "topic.alerts.arn"}}')"

# Puts the canary version's Invocations and Errors into CloudWatch every few seconds, as Lambda
# would for alias traffic (dimension ExecutedVersion), until the release is final.
feed_metrics() {
  local release="$1" errors="$2" canary=""
  while :; do
    phase=$(kubectl get lr "$release" -n chat -o jsonpath='{.status.phase}' 2>/dev/null || true)
    case "$phase" in Succeeded|RolledBack|Failed|Superseded) return ;; esac
    canary=$(kubectl get lr "$release" -n chat -o jsonpath='{.status.canaryVersion}' 2>/dev/null || true)
    if [ -n "$canary" ]; then
      aws cloudwatch put-metric-data --namespace AWS/Lambda --metric-data \
        "[{\"MetricName\":\"Invocations\",\"Value\":100,\"Unit\":\"Count\",\"Dimensions\":[{\"Name\":\"FunctionName\",\"Value\":\"nexus-prod-conversation-api\"},{\"Name\":\"Resource\",\"Value\":\"nexus-prod-conversation-api:prod\"},{\"Name\":\"ExecutedVersion\",\"Value\":\"$canary\"}]},
          {\"MetricName\":\"Errors\",\"Value\":$errors,\"Unit\":\"Count\",\"Dimensions\":[{\"Name\":\"FunctionName\",\"Value\":\"nexus-prod-conversation-api\"},{\"Name\":\"Resource\",\"Value\":\"nexus-prod-conversation-api:prod\"},{\"Name\":\"ExecutedVersion\",\"Value\":\"$canary\"}]}]"
    fi
    sleep 2
  done
}

# Shows `kubectl get lambdareleases` whenever the release moves (phase, step or weight), until it is final.
watch_release() {
  local release="$1" last="" now header=1
  for _ in $(seq 240); do
    now=$(kubectl get lr "$release" -n chat -o jsonpath='{.status.phase}/{.status.stepLabel}/{.status.weight}' 2>/dev/null || true)
    if [ "$now" != "$last" ]; then
      # Without the header kubectl sizes columns to the row alone; cutting it keeps them aligned.
      if [ $header = 1 ]; then kubectl get lr "$release" -n chat; header=0; else kubectl get lr "$release" -n chat | tail -n 1; fi
      last="$now"
    fi
    case "$now" in
      Succeeded/*|RolledBack/*|Failed/*) return ;;
    esac
    sleep 1
  done
  echo "demo: release $release did not finish in time"; return 1
}

release() {
  local release="$1" last="" now
  for _ in $(seq 240); do
    now=$(kubectl get lr "$release" -n chat 2>/dev/null || true)
    if [ "$now" != "$last" ]; then
      echo "$now" | tail -n +$([ -z "$last" ] && echo 1 || echo 2)
      last="$now"
    fi
    case "$(kubectl get lr "$release" -n chat -o jsonpath='{.status.phase}')" in
      Succeeded|RolledBack|Failed) return ;;
    esac
    sleep 1
  done
  echo "demo: release $release did not finish in time"; return 1
}

release() {
  local version="$1" errors="$2" name="conversation-api-${1//./-}"
  sed -e "s/\${VERSION_LABEL}/${version//./-}/" -e "s/\${VERSION}/$version/" hack/demo/release.yaml.tpl | kubectl apply -f -
  feed_metrics "$name" "$errors" &
  local feeder=$!
  watch_release "$name"
  wait "$feeder" 2>/dev/null || true
  echo "analysis:"
  kubectl get lr "$name" -n chat -o go-template='{{range .status.analysis}}{{printf "  %s  %-10s value=%v  %s  %s (%s)\n" .time .metric .value .threshold .verdict .step}}{{end}}'
  echo "$(kubectl get lr "$name" -n chat -o jsonpath='{.status.phase}: {.status.message}')"
  echo "alias prod in AWS: $(aws lambda get-alias --function-name nexus-prod-conversation-api --name prod \
    --query '{version: FunctionVersion, additionalVersionWeights: RoutingConfig.AdditionalVersionWeights}' --output json | tr -d ' \n')"
}

# A second run of the demo starts afresh: its releases deleted and the alias back on version 1
# (Slipway leaves an existing alias to releases, so this manual move is not undone).
kubectl delete lr -n chat conversation-api-1-5-0 conversation-api-1-6-0 --ignore-not-found >/dev/null
aws lambda update-alias --function-name nexus-prod-conversation-api --name prod --function-version 1 \
  --routing-config '{"AdditionalVersionWeights":{}}' >/dev/null

step "Release 1.5.0 of conversation-api: 10% -> 50% -> 100%, healthy metrics (0 errors / 100 calls)"
show kubectl apply -f hack/demo/policy.yaml
release 1.5.0 0

step "Release 1.6.0: the canary's error rate is 20% (> 5%): Slipway rolls back after 2 failed checks"
release 1.6.0 20

step "The release history"
show kubectl get lambdareleases -n chat
show kubectl get events -n chat --field-selector involvedObject.kind=LambdaRelease --sort-by=.lastTimestamp

cat <<MSG

Explore:  source .sandbox/env; kubectl get sls,lr,cp -A; kubectl describe lr -n chat
          aws lambda get-alias --function-name nexus-prod-conversation-api --name prod
          operator log: $OPERATOR_LOG      metrics: curl -s localhost:${SLIPWAY_DEMO_HTTP_PORT:-8080}/q/metrics | grep slipway_
Stop:     make demo-down   (stops the operator and the sandbox)
MSG
