#!/usr/bin/env bash
# Entry point of `npm start` and `npm test`: makes sure this machine has a supported Node.js, the
# pnpm that package.json pins, and installed dependencies, then runs `pnpm "$@"`.
# Everything it fetches comes from the npm registry and lands in the ignored folder .tools/.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="$root/.tools"
node_version=$(tr -d ' \n\r' <"$root/.nvmrc")
pnpm_version=$(sed -n 's/.*"packageManager": *"pnpm@\([^"+]*\).*/\1/p' "$root/package.json")

fail() {
  echo "pipeshub set-up failed: $*" >&2
  exit 1
}

# The first line npm printed about what went wrong, for a one-line failure message.
last_error() {
  local lines
  lines=$(grep -E '^npm (error|ERR!) ' "$1" | sed -E 's/^npm (error|ERR!) +//' | grep -v -E '^(at |code |errno |syscall |A complete log|\{|\})' || true)
  printf '%s' "${lines%%$'\n'*}"
}

# Node 22.13 is the oldest release with the APIs the packages use (node:sqlite, stable fetch/WebCrypto).
node_is_supported() {
  "$1" -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)' >/dev/null 2>&1
}

ensure_node() {
  if command -v node >/dev/null 2>&1 && node_is_supported node; then
    return
  fi
  local local_node="$tools/node/bin/node"
  if [ -x "$local_node" ] && node_is_supported "$local_node"; then
    export PATH="$tools/node/bin:$PATH"
    return
  fi
  local found="none"
  command -v node >/dev/null 2>&1 && found=$(node --version)
  command -v npm >/dev/null 2>&1 ||
    fail "Node.js $found is older than 22.13 and there is no npm to fetch Node.js $node_version from the npm registry."
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) fail "no Node.js >= 22.13 on PATH and no node-<os>-<arch> package for $(uname -s); install Node.js $node_version." ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) fail "no Node.js >= 22.13 on PATH and no node-$os package for $(uname -m); install Node.js $node_version." ;;
  esac
  echo "Node.js $found is older than 22.13: fetching node-$os-$arch@$node_version from the npm registry into .tools/" >&2
  local tmp
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --loglevel=error "node-$os-$arch@$node_version" >/dev/null 2>"$tmp/npm.err") ||
    fail "could not download node-$os-$arch@$node_version from the npm registry: $(last_error "$tmp/npm.err")"
  tar -xzf "$tmp"/node-*.tgz -C "$tmp" package/bin/node ||
    fail "the node-$os-$arch@$node_version package has no bin/node."
  mkdir -p "$tools/node/bin"
  mv "$tmp/package/bin/node" "$local_node"
  rm -rf "$tmp"
  node_is_supported "$local_node" || fail "the downloaded Node.js $node_version does not run on this machine."
  export PATH="$tools/node/bin:$PATH"
}

ensure_pnpm() {
  [ -n "$pnpm_version" ] || fail "package.json has no \"packageManager\": \"pnpm@<version>\" field."
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$pnpm_version" ]; then
    return
  fi
  local bin="$tools/pnpm/node_modules/.bin"
  if [ ! -x "$bin/pnpm" ] || [ "$("$bin/pnpm" --version 2>/dev/null)" != "$pnpm_version" ]; then
    command -v npm >/dev/null 2>&1 || fail "pnpm $pnpm_version is not installed and there is no npm to install it with."
    echo "installing pnpm $pnpm_version with npm into .tools/ (corepack cannot verify this registry's signatures)" >&2
    mkdir -p "$tools/pnpm"
    npm install --prefix "$tools/pnpm" --no-audit --no-fund --no-save --loglevel=error "pnpm@$pnpm_version" >"$tools/pnpm.log" 2>&1 ||
      fail "npm could not install pnpm@$pnpm_version: $(last_error "$tools/pnpm.log")"
  fi
  export PATH="$bin:$PATH"
  [ "$(pnpm --version 2>/dev/null)" = "$pnpm_version" ] || fail "pnpm $pnpm_version was installed but does not run."
}

# Installs only when the lockfile or a manifest changed since the last successful install.
ensure_dependencies() {
  local stamp_file="$root/node_modules/.pipeshub-install-stamp" stamp
  stamp=$(cd "$root" && {
    node --version
    cat pnpm-lock.yaml pnpm-workspace.yaml
    git ls-files -co --exclude-standard -- 'package.json' '*/package.json' 2>/dev/null | sort | xargs cat
  } | cksum)
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    return
  fi
  (cd "$root" && pnpm install --frozen-lockfile) || fail "pnpm install --frozen-lockfile failed (see above)."
  echo "$stamp" >"$stamp_file"
}

ensure_node
ensure_pnpm
ensure_dependencies
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
cd "$root"
exec pnpm "$@"
