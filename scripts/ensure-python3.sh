#!/usr/bin/env bash
# The quickstart needs only a python3 (standard library). Installs Debian's if there is none.
set -euo pipefail
if command -v python3 >/dev/null 2>&1; then exit 0; fi
echo "ensure-python3: no python3 on PATH; installing Debian's python3"
if [[ $(id -u) -eq 0 ]]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq && sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 >/dev/null
else
  echo "ensure-python3: install python3 (apt-get install python3) and retry" >&2
  exit 1
fi
