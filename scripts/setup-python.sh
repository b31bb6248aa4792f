#!/usr/bin/env bash
# Installs the Python ML packages the examples and the integration tests use, from Debian's apt
# archive into the system Python (/usr/bin/python3). PyPI is not needed (nor reachable on the
# project's machines). Idempotent: does nothing when the packages already import.
#
#   npm run setup:python
set -euo pipefail

PYTHON=/usr/bin/python3
MODULES='torch, sklearn, onnx, optuna, yaml'
PACKAGES=(python3-torch python3-sklearn python3-onnx python3-optuna python3-yaml)

say() { printf 'setup-python: %s\n' "$*"; }

if [[ -x "$PYTHON" ]] && "$PYTHON" -c "import $MODULES" >/dev/null 2>&1; then
  say "$PYTHON already has $MODULES; nothing to do."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "apt-get not found. Install PyTorch, scikit-learn, onnx, optuna and PyYAML for $PYTHON with your system's package manager." >&2
  exit 1
fi

# Root runs apt-get directly; anyone else needs sudo (which may prompt for a password).
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    say "not root and no sudo. As root, run:" >&2
    say "  apt-get update && apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
say "updating the apt package lists..."
${SUDO[@]+"${SUDO[@]}"} apt-get update -qq
say "installing ${PACKAGES[*]} (about 1.5 GB; a minute or more)..."
${SUDO[@]+"${SUDO[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null

if "$PYTHON" -c "import $MODULES" >/dev/null 2>&1; then
  say "done: $("$PYTHON" -c 'import torch, sklearn; print("torch", torch.__version__, "/ scikit-learn", sklearn.__version__)')"
else
  say "installed, but '$PYTHON -c \"import $MODULES\"' still fails:" >&2
  "$PYTHON" -c "import $MODULES" >&2 || true
  exit 1
fi
