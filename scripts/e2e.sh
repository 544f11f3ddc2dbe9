#!/usr/bin/env bash
# scripts/e2e.sh (`npm run test:e2e`) — the real Pulumi engine against a real kube-apiserver.
#
# What runs, all inside a network namespace whose only interface is loopback (`unshare --net`), so that no packet of
# this test leaves the machine (the API server would otherwise dial webhook and aggregated-API Service addresses):
#   etcd, kube-apiserver (admission webhooks OFF, see below), kube-controller-manager (namespace deletion and garbage
#   collection; no scheduler, no kubelet: no Pod ever runs), a chart server on 127.0.0.1 holding the charts that
#   scripts/e2e-charts.sh packaged from their upstream sources at the pinned tags, and the Pulumi CLI, language host,
#   plugins and program (test/e2e/index.ts: the platform as the stacks compose it, plus skip-await on every Kubernetes
#   object and Helm release).
# Steps: `pulumi preview` of every committed stack (dev on kind, prod on GKE, prod-aks on AKS; the cloud ones as far as
#   their provider plugins allow), then for a dev-shaped and a prod-shaped stack on the `existing` cluster (prod there
#   with its own Postgres and S3 store, `cluster.postgres`/`cluster.objectStorage`, as the program requires):
#   `pulumi up`, `pulumi preview --expect-no-changes` (and with E2E_SECOND_UP=1 a second `up`), `pulumi destroy`,
#   and a check that no object the stack created remains in the API server.
#
# Usage: scripts/e2e.sh                 build/locate the tools and charts (scripts/e2e-tools.sh, e2e-charts.sh), run
#        scripts/e2e.sh --if-available  run only when every tool and chart is already cached; otherwise print one
#                                       line saying the e2e did NOT run, and exit 0 (for CI)
# Env: E2E_SECOND_UP=1 (also a second `pulumi up --expect-no-changes` after the no-change preview),
#      ML_PLATFORM_E2E_CACHE (tools/charts cache), E2E_KEEP=1 (keep the work dir), E2E_STACKS (default "dev prod"),
#      E2E_PREVIEW_STACKS (default "dev prod prod-aks").
# Needs root (or unprivileged user namespaces) for `unshare --net`.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD
CACHE="${ML_PLATFORM_E2E_CACHE:-$HOME/.cache/ml-platform/e2e-tools}"
banner() { printf '%s\n' "==================================================================================" "$1" \
  "=================================================================================="; }

# ------------------------------------------------------------------ outside the namespace
if [ "${1:-}" != --inside ]; then
  if [ "${1:-}" = --if-available ]; then
    if ! bin=$(bash scripts/e2e-tools.sh --check 2>/tmp/e2e-tools-check.$$) || ! charts=$(bash scripts/e2e-charts.sh --check 2>>/tmp/e2e-tools-check.$$); then
      banner "E2E NOT RUN: its tools or charts are not cached in $CACHE (run scripts/e2e-tools.sh and scripts/e2e-charts.sh; see README \"End-to-end test\")"
      sed 's/^/  /' /tmp/e2e-tools-check.$$ | grep -E 'missing' | head -20; rm -f /tmp/e2e-tools-check.$$
      exit 0
    fi
    rm -f /tmp/e2e-tools-check.$$
  else
    bin=$(bash scripts/e2e-tools.sh) || { echo "e2e: FAILED: scripts/e2e-tools.sh reports a required tool missing" >&2; exit 1; }
    charts=$(HELM="$bin/helm" bash scripts/e2e-charts.sh) || { echo "e2e: FAILED: no chart repository (scripts/e2e-charts.sh)" >&2; exit 1; }
  fi
  if [ "$(id -u)" = 0 ]; then NS=(unshare --net); else NS=(unshare --user --map-root-user --net); fi
  exec "${NS[@]}" -- bash "$REPO/scripts/e2e.sh" --inside "$bin" "$charts"
fi

# ------------------------------------------------------------------ inside the namespace
BIN=$2 CHARTS=$3
export PATH="$BIN:$PATH"
T0=$(date +%s)
ip link set lo up
# A non-loopback address ON the loopback interface: the API server refuses to advertise a loopback address (it is the
# `kubernetes` Service's endpoint). Still no other interface: nothing can leave.
ip addr add 10.200.0.1/32 dev lo
if [ "$(ip -o link | wc -l)" != 1 ]; then echo "e2e: FAILED: the network namespace has an interface besides lo" >&2; ip -o link >&2; exit 1; fi
echo "e2e: network namespace: only $(ip -o link | awk -F': ' '{print $2}'), addresses $(ip -o addr | awk '{print $4}' | tr '\n' ' ')"

W=$(mktemp -d /tmp/ml-e2e.XXXXXX)
PIDS=()
cleanup() {
  # Stop in reverse start order (the API server before etcd: with etcd gone first its graceful shutdown hangs), then
  # SIGKILL whatever is still there after 15 s.
  local i p
  for (( i=${#PIDS[@]}-1; i>=0; i-- )); do kill "${PIDS[$i]}" 2>/dev/null; done
  for _ in $(seq 1 30); do
    local alive=0; for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break; sleep 0.5
  done
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${E2E_KEEP:-0}" = 1 ]; then echo "e2e: work dir kept: $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
mkdir -p "$W/pki" "$W/etcd" "$W/state" "$W/logs" "$W/helm"
ERRORS=()
PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   - $*"; }
fail() { FAILED=$((FAILED + 1)); ERRORS+=("$*"); echo "FAIL - $*"; }

# --- PKI: a CA, the API server's serving certificate, the service-account signing key, one admin token.
(
  cd "$W/pki"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=ml-platform-e2e-ca
  openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver
  printf 'subjectAltName=IP:127.0.0.1,IP:10.200.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n' > san.ext
  openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 -extfile san.ext
  openssl genrsa -out sa.key 2048 && openssl rsa -in sa.key -pubout -out sa.pub
) >"$W/logs/pki.log" 2>&1 || { echo "e2e: FAILED: openssl (see $W/logs/pki.log)"; cat "$W/logs/pki.log"; exit 1; }
TOKEN="e2e-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
echo "$TOKEN,e2e-admin,e2e-admin,system:masters" > "$W/pki/tokens.csv"
KUBECONFIG="$W/kubeconfig"; export KUBECONFIG
cat > "$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://127.0.0.1:6443
    certificate-authority-data: $(base64 -w0 < "$W/pki/ca.crt")
users:
- name: e2e-admin
  user:
    token: $TOKEN
contexts:
- name: e2e
  context: {cluster: e2e, user: e2e-admin}
current-context: e2e
EOF

# --- etcd, kube-apiserver, kube-controller-manager
etcd --name e2e --data-dir "$W/etcd" --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
  --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
  --initial-cluster e2e=http://127.0.0.1:2380 --log-level warn >"$W/logs/etcd.log" 2>&1 &
PIDS+=($!)
# Webhook admission is off: MutatingAdmissionWebhook and ValidatingAdmissionWebhook would call the charts' webhook
# Services (cert-manager, KServe, the Spark operator, the Prometheus operator, ...) whose Pods never run here.
WEBHOOK_PLUGINS=MutatingAdmissionWebhook,ValidatingAdmissionWebhook
kube-apiserver --etcd-servers=http://127.0.0.1:2379 --bind-address=127.0.0.1 --secure-port=6443 --advertise-address=10.200.0.1 \
  --tls-cert-file="$W/pki/apiserver.crt" --tls-private-key-file="$W/pki/apiserver.key" --client-ca-file="$W/pki/ca.crt" \
  --token-auth-file="$W/pki/tokens.csv" --authorization-mode=RBAC \
  --service-account-issuer=https://kubernetes.default.svc.cluster.local \
  --service-account-key-file="$W/pki/sa.pub" --service-account-signing-key-file="$W/pki/sa.key" \
  --service-cluster-ip-range=10.96.0.0/16 --allow-privileged=true \
  --disable-admission-plugins="$WEBHOOK_PLUGINS" >"$W/logs/kube-apiserver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do kubectl get --raw /readyz >/dev/null 2>&1 && break; sleep 1; done
if ! kubectl get --raw /readyz >/dev/null 2>&1; then
  echo "e2e: FAILED: kube-apiserver not ready after 120 s"; tail -30 "$W/logs/kube-apiserver.log"; tail -10 "$W/logs/etcd.log"; exit 1
fi
kube-controller-manager --kubeconfig="$KUBECONFIG" --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
  --bind-address=127.0.0.1 --secure-port=10257 --leader-elect=false --use-service-account-credentials=false \
  --service-account-private-key-file="$W/pki/sa.key" --root-ca-file="$W/pki/ca.crt" \
  --cluster-signing-cert-file="$W/pki/ca.crt" --cluster-signing-key-file="$W/pki/ca.key" >"$W/logs/kube-controller-manager.log" 2>&1 &
PIDS+=($!)
echo "e2e: API server $(kubectl version -o json 2>/dev/null | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s).serverVersion.gitVersion))') ready after $(( $(date +%s) - T0 )) s; admission plugins disabled: $WEBHOOK_PLUGINS"

# --- Helm hook Jobs: Helm waits for a hook Job to complete (skip-await does not cover hooks), and no Pod runs here. The
# first stand-in for a kubelet: every Job carrying a helm.sh/hook annotation is marked Complete through its status
# subresource (so kube-prometheus-stack's admission-create/patch hooks pass and are deleted by their hook policy).
(
  while sleep 2; do
    kubectl get jobs -A -o jsonpath='{range .items[?(@.metadata.annotations.helm\.sh/hook)]}{.metadata.namespace} {.metadata.name} {.status.succeeded}{"\n"}{end}' 2>/dev/null |
      while read -r ns name done; do
        [ "$done" = 1 ] && continue
        now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
        kubectl patch job -n "$ns" "$name" --subresource=status --type=merge -p "{\"status\":{\"completionTime\":\"$now\",\"active\":0,\"ready\":0,\"succeeded\":1,\"conditions\":[{\"type\":\"SuccessCriteriaMet\",\"status\":\"True\",\"lastProbeTime\":\"$now\",\"lastTransitionTime\":\"$now\"},{\"type\":\"Complete\",\"status\":\"True\",\"lastProbeTime\":\"$now\",\"lastTransitionTime\":\"$now\"}]}}" >/dev/null 2>&1 &&
          echo "$(date -u +%T) marked Helm hook Job $ns/$name Complete"
      done
  done
) >"$W/logs/hook-jobs.log" 2>&1 &
PIDS+=($!)

# --- Strimzi's cluster CA: in prod the Kafka cluster is TLS-only, and its clients read the CA certificate from the
# Secret <cluster>-cluster-ca-cert that Strimzi's operator writes while it reconciles the Kafka; the program's Kafka
# waits for condition Ready (test/e2e/index.ts leaves that wait on). No operator pod runs, so the second stand-in does
# what the operator would: writes that Secret, owned by the Kafka object as the operator's is (the garbage collector
# removes it with the Kafka on destroy) with a throwaway certificate, then reports the Kafka Ready in its status.
(
  while sleep 1; do
    kubectl get kafkas.kafka.strimzi.io -A -o jsonpath='{range .items[*]}{.metadata.namespace} {.metadata.name} {.metadata.uid} {.metadata.generation} {.status.observedGeneration}{"\n"}{end}' 2>/dev/null |
      while read -r ns name uid gen observed; do
        [ "$gen" = "$observed" ] && continue
        now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
        cat <<YAML | kubectl apply -f - >/dev/null && echo "$(date -u +%T) wrote Secret $ns/$name-cluster-ca-cert for Kafka $ns/$name"
apiVersion: v1
kind: Secret
metadata:
  name: $name-cluster-ca-cert
  namespace: $ns
  labels: {strimzi.io/cluster: $name, strimzi.io/kind: Kafka}
  ownerReferences: [{apiVersion: kafka.strimzi.io/v1, kind: Kafka, name: $name, uid: $uid}]
data:
  ca.crt: $(base64 -w0 < "$W/pki/ca.crt")
YAML
        kubectl patch kafkas.kafka.strimzi.io -n "$ns" "$name" --subresource=status --type=merge \
          -p "{\"status\":{\"observedGeneration\":$gen,\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"$now\"}]}}" >/dev/null &&
          echo "$(date -u +%T) marked Kafka $ns/$name Ready (generation $gen)"
      done
  done
) >"$W/logs/strimzi-ca.log" 2>&1 &
PIDS+=($!)

# --- the chart repository
CHART_PORT=8879
(cd "$CHARTS" && exec python3 -m http.server "$CHART_PORT" --bind 127.0.0.1) >"$W/logs/charts.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$CHART_PORT/index.yaml" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$CHART_PORT/index.yaml" >/dev/null || { echo "e2e: FAILED: chart server"; cat "$W/logs/charts.log"; exit 1; }
echo "e2e: chart repository http://127.0.0.1:$CHART_PORT: $(ls "$CHARTS"/*.tgz | wc -l) charts packaged from upstream sources at the pinned tags (scripts/e2e-charts.sh)"
export HELM_CACHE_HOME="$W/helm/cache" HELM_CONFIG_HOME="$W/helm/config" HELM_DATA_HOME="$W/helm/data"

# --- Pulumi: local file backend, fixed passphrase, the e2e plugin cache, never any download
export PULUMI_HOME="$CACHE/pulumi-home" PULUMI_BACKEND_URL="file://$W/state" PULUMI_CONFIG_PASSPHRASE="ml-platform-e2e-test-passphrase"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
mkdir -p "$W/project"
tar -C "$REPO" --exclude=./node_modules --exclude=./.git --exclude=./.pulumi-state -cf - . | tar -C "$W/project" -xf -
ln -s "$REPO/node_modules" "$W/project/node_modules"
cd "$W/project"
echo "e2e: plugins: $(pulumi plugin ls 2>/dev/null | awk 'NR>1 && $2 == "resource" {printf "%s %s, ", $1, $3}')"

# resources_block OUTPUT: the engine's "Resources:" summary, on one line
resources_block() { awk '/^Resources:/{f=1;next} f&&/^Duration:/{print "(" $2 ")";f=0} f&&NF' <<<"$1" | tr -s ' \n' ' '; }
# Every error line, and the lines that say what an unhandled exception was (they follow it, unprefixed).
errors_of() { { grep -E '^ +error: |^error: ' <<<"$1"; grep -A4 'unhandled exception' <<<"$1" | grep -vE 'unhandled exception|^--$|^ *$'; } | awk '!seen[$0]++'; }
run() { # label, command...: runs, times, prints the summary; OUT and RC set
  local label="$1"; shift
  local t=$(date +%s)
  "$@" >"$W/logs/$label.log" 2>&1; RC=$?
  OUT=$(cat "$W/logs/$label.log")
  echo "  $label: exit $RC, $(( $(date +%s) - t )) s; $(resources_block "$OUT")"
}
snapshot() { # every listable object (but events and the API server's own leases), one "resource ns/name" per line
  kubectl api-resources --verbs=list -o name 2>/dev/null | grep -vE '^(events|events\.events\.k8s\.io|leases\.coordination\.k8s\.io)$' | sort |
    while read -r r; do
      kubectl get "$r" -A --no-headers -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name 2>/dev/null | awk -v r="$r" '{print r " " $1 "/" $2}'
    done | sort
}

# ------------------------------------------------------------------ 2. up, no-change, destroy on the local API server
# Airflow's chart (apache/airflow, helm-chart/1.22.0) has no fetchable source here (see scripts/e2e-charts.sh and its
# AIRFLOW_CHART_SRC), so the orchestrator is off in these stacks unless its chart is in the repository.
ORCH=false; ls "$CHARTS"/airflow-*.tgz >/dev/null 2>&1 && ORCH=true
cat > Pulumi.e2e-dev.yaml <<EOF
config:
  pulumi:disable-default-providers: [kubernetes]
  ml-platform:environment: dev
  ml-platform:cluster: {provider: existing, name: e2e, kubeconfigPath: $KUBECONFIG}
  ml-platform:ingress: {domain: ml.e2e.example, tls: {acme: {email: ops@e2e.example}}}
  ml-platform:mirror: {chartRepository: "http://127.0.0.1:$CHART_PORT"}
  ml-platform:components: {orchestrator: $ORCH}
  ml-platform:sso: {provider: oidc, clientId: ml-platform-e2e, issuerUrl: "https://idp.e2e.example", authorizeUrl: "https://idp.e2e.example/authorize", tokenUrl: "https://idp.e2e.example/token", userInfoUrl: "https://idp.e2e.example/userinfo", groupsClaim: groups, adminGroups: [ml-admins]}
EOF
# Single sign-on through an OIDC issuer the test never calls (no kubelet runs the pods that would): what it checks is
# that oauth2-proxy, the forward-auth Middlewares and the UIs' OIDC clients install, and stay unchanged on a rerun.
[ "$ORCH" = false ] && echo "e2e: NOTE the orchestrator (Airflow) is OFF in the e2e stacks: its chart is not in the local repository"
sed -i 's|^main: .*|main: test/e2e/index.ts|' Pulumi.yaml
# The prod shape: environment prod on the existing cluster, which requires the data services to be your own (an
# in-cluster Postgres and MinIO are dev footprints): an existing Postgres and an S3-compatible store, reached by
# name. No pod runs here, so nothing connects to them; the program reads their credential Secrets from this API
# server, as it would from a real cluster, so they are created first (and belong to the baseline).
kubectl create namespace e2e-data >/dev/null
kubectl -n e2e-data create secret generic pg-admin --from-literal=username=platform_admin --from-literal=password=e2e-admin-password >/dev/null
kubectl -n e2e-data create secret generic s3-key --from-literal=AWS_ACCESS_KEY_ID=e2e-access-key --from-literal=AWS_SECRET_ACCESS_KEY=e2e-secret-key >/dev/null
BUCKETS=$(for b in bronze silver gold airflow-logs mlflow models spark-logs notebooks; do printf '"%s": "e2e-ml-%s", ' "$b" "$b"; done)
sed -e 's/^  ml-platform:environment: dev$/  ml-platform:environment: prod/' \
    -e "s|^  ml-platform:cluster: {provider: existing, name: e2e, kubeconfigPath: \(.*\)}$|  ml-platform:cluster: {provider: existing, name: e2e, kubeconfigPath: \\1, postgres: {host: pg.e2e.example, sslMode: require, adminSecret: {namespace: e2e-data, name: pg-admin}, peerCidr: 192.0.2.0/24}, objectStorage: {endpoint: \"https://s3.e2e.example\", region: eu-west-1, buckets: {${BUCKETS%, }}, credentials: {namespace: e2e-data, name: s3-key}, peerCidr: 198.51.100.0/24}}|" \
    Pulumi.e2e-dev.yaml > Pulumi.e2e-prod.yaml
grep -q 'environment: prod' Pulumi.e2e-prod.yaml && grep -q 'objectStorage:' Pulumi.e2e-prod.yaml || { echo "e2e: FAILED: could not write the prod-shaped stack file"; exit 1; }
BASELINE=$(snapshot)
for shape in ${E2E_STACKS:-dev prod}; do
  stack="e2e-$shape"
  echo "e2e: 2. stack $stack ($shape-shaped, existing cluster at https://127.0.0.1:6443)"
  pulumi stack init "$stack" --non-interactive >/dev/null 2>&1
  pulumi config set --stack "$stack" --secret ssoClientSecret e2e-client-secret >/dev/null
  run "$stack-up" pulumi up --stack "$stack" --yes --non-interactive --skip-preview
  if [ $RC = 0 ]; then ok "$stack: up"; else fail "$stack: up:"$'\n'"$(errors_of "$OUT")"; fi
  count=$(pulumi stack export --stack "$stack" 2>/dev/null | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>{const r=JSON.parse(s).deployment.resources||[];const k=r.filter(x=>x.type.startsWith("kubernetes:")).length;console.log(r.length+" resources in the state, "+k+" of them Kubernetes objects/releases")})')
  echo "  $stack: $count; API server: $(kubectl get ns --no-headers 2>/dev/null | wc -l) namespaces, $(kubectl get crd --no-headers 2>/dev/null | wc -l) CRDs"
  t=$(date +%s)
  pulumi preview --stack "$stack" --non-interactive --json >"$W/logs/$stack-preview-again.json" 2>"$W/logs/$stack-preview-again.err"; RC=$?
  verdict=$(node "$REPO/scripts/e2e-nochange.mjs" <"$W/logs/$stack-preview-again.json"); vrc=$?
  echo "  $stack-preview-again: exit $RC, $(( $(date +%s) - t )) s; $(node -e 'try{const d=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(JSON.stringify(d.changeSummary))}catch(e){console.log("no summary")}' "$W/logs/$stack-preview-again.json")"
  [ -n "$verdict" ] && sed 's/^/    /' <<<"$verdict"
  if [ $RC = 0 ] && [ $vrc = 0 ]; then ok "$stack: preview after up plans no change (perpetual diffs: none)"; else
    fail "$stack: preview after up plans changes (perpetual diff), or failed:"$'\n'"$verdict"$'\n'"$(grep -E 'error' "$W/logs/$stack-preview-again.err" | head -20)"; fi
  if [ "${E2E_SECOND_UP:-0}" = 1 ]; then
    run "$stack-up-again" pulumi up --stack "$stack" --yes --non-interactive --skip-preview --expect-no-changes
    if [ $RC = 0 ]; then ok "$stack: second up changes nothing"; else fail "$stack: second up:"$'\n'"$(errors_of "$OUT")"; fi
  fi
  if [ "$shape" = prod ]; then
    # Prod protects its data (Kafka, namespaces with volumes, generated admin passwords): a destroy refuses them until
    # someone unprotects them on purpose, as here.
    protected=$(pulumi stack export --stack "$stack" 2>/dev/null | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log((JSON.parse(s).deployment.resources||[]).filter(r=>r.protect).length))')
    echo "  $stack: $protected resources protected; unprotecting them for the destroy"
    if [ "${protected:-0}" -gt 0 ]; then ok "$stack: prod protects its data ($protected resources)"; else fail "$stack: no resource is protected in prod"; fi
    pulumi state unprotect --stack "$stack" --all --yes >/dev/null 2>&1
  fi
  run "$stack-destroy" pulumi destroy --stack "$stack" --yes --non-interactive --skip-preview
  if [ $RC = 0 ]; then ok "$stack: destroy"; else fail "$stack: destroy:"$'\n'"$(errors_of "$OUT")"; fi
  for _ in $(seq 1 120); do [ -z "$(kubectl get ns --no-headers 2>/dev/null | awk '$2=="Terminating"')" ] && break; sleep 1; done
  left=$(comm -13 <(echo "$BASELINE") <(snapshot))
  # Helm never deletes the CRDs of a chart's crds/ directory on uninstall (by design), so they are reported apart.
  # The API server itself registers an APIService per CRD group (label kube-aggregator.kubernetes.io/automanaged); they
  # go with the CRDs.
  auto=$(kubectl get apiservices -l kube-aggregator.kubernetes.io/automanaged -o jsonpath='{range .items[*]}apiservices.apiregistration.k8s.io <none>/{.metadata.name}{"\n"}{end}' 2>/dev/null)
  crds=$(grep '^customresourcedefinitions' <<<"$left")
  other=$(grep -v '^customresourcedefinitions' <<<"$left" | grep -vxF -f <(echo "${auto:-#none#}") | sed '/^$/d')
  if [ -z "$other" ]; then ok "$stack: no platform object remains after destroy"; else
    fail "$stack: objects remain after destroy:"$'\n'"$other"; fi
  [ -n "$crds" ] && echo "  $stack: NOTE $(wc -l <<<"$crds") CRDs (and the APIServices the API server made for their groups) remain: Helm never deletes a chart's crds/ on uninstall: $(awk '{print $2}' <<<"$crds" | sed 's|^/||' | tr '\n' ' ')"
  BASELINE=$(snapshot)
done

sed -i "s|^main: .*|main: index.ts|" Pulumi.yaml
# ------------------------------------------------------------------ 3. preview of every committed stack
echo "e2e: 3. pulumi preview of every committed stack (the project's own program, index.ts)"
declare -A PREVIEW_SETS=(
  [dev]=""
  [prod]="--path cluster.project=acme-ml-e2e --path ingress.domain=ml.e2e.example --path ingress.tls.acme.email=ops@e2e.example --path sso.provider=google --path sso.clientId=123-e2e.apps.googleusercontent.com --path sso.emailDomains[0]=e2e.example"
  [prod-aks]="--path cluster.adminGroupObjectIds[0]=6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b --path cluster.authorizedIpRanges[0]=203.0.113.0/24 --path ingress.domain=ml.e2e.example --path ingress.tls.acme.email=ops@e2e.example --path sso.provider=entra --path sso.tenantId=0b6f2c1e-3d4a-4b5c-8d9e-1f2a3b4c5d6e --path sso.clientId=5a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d"
)
MISSING_PLUGINS=() NO_CREDENTIALS_STACKS=()
# What a present cloud plugin says when it finds no credentials (gcp: the Google provider's "application default
# credentials" message).
NO_CREDENTIALS="could not find default credentials|No credentials loaded"
for stack in ${E2E_PREVIEW_STACKS-dev prod prod-aks}; do
  pulumi stack init "$stack" --non-interactive >/dev/null 2>&1
  # What the stack file leaves to the operator ("Before the first pulumi up ... set") is set to placeholders.
  set -- ${PREVIEW_SETS[$stack]}
  while [ $# -gt 0 ]; do pulumi config set --stack "$stack" "$1" "${2%%=*}" "${2#*=}" >/dev/null 2>&1; shift 2; done
  [ "$stack" = dev ] || pulumi config set --stack "$stack" --secret ssoClientSecret e2e-client-secret >/dev/null
  run "preview-$stack" pulumi preview --stack "$stack" --non-interactive
  if [ $RC = 0 ]; then ok "preview $stack"; continue; fi
  errs=$(errors_of "$OUT")
  missing=$(grep -oE "no resource plugin 'pulumi-resource-[a-z-]+' found" <<<"$errs" | grep -oE "pulumi-resource-[a-z-]+" | sort -u)
  if [ -n "$missing" ] && ! grep -vqE "no resource plugin 'pulumi-resource-[a-z-]+' found|^ *error: preview failed|^ *error: update failed" <<<"$errs"; then
    MISSING_PLUGINS+=("$stack: $(tr '\n' ' ' <<<"$missing")")
    ok "preview $stack ran until the missing plugin(s): $(tr '\n' ' ' <<<"$missing")"
  elif creds=$(grep -m1 -oE "$NO_CREDENTIALS" <<<"$OUT" | head -1) && [ -n "$creds" ] && ! grep -vqE "^ *error: [0-9]+ errors? occurred:?$|^ *error: preview failed|^ *error: update failed" <<<"$errs"; then
    # The cloud plugin is present (gcp 9.34.0 can be in the e2e plugin cache), so the preview reaches the first cloud
    # resource, where the provider asks for credentials: the test has none, and no network to use them on.
    NO_CREDENTIALS_STACKS+=("$stack: $(grep -m1 -oE "^ +[a-z0-9-]+:[^ ]+ [^ ]+ +error:" <<<"$OUT" | awk '{print $1, $2}')")
    ok "preview $stack ran until its cloud provider asked for credentials (the test has none): $creds"
  else
    fail "preview $stack:"$'\n'"$errs"
  fi
done

echo "e2e: plugins missing for the cloud stacks: ${MISSING_PLUGINS[*]:-none}"
echo "e2e: cloud stacks stopped at their first cloud resource for want of credentials: ${NO_CREDENTIALS_STACKS[*]:-none}"
echo "e2e: $PASSED passed, $FAILED failed, $(( $(date +%s) - T0 )) s"
for e in "${ERRORS[@]+"${ERRORS[@]}"}"; do echo "--- $e"; done
[ "$FAILED" = 0 ]
