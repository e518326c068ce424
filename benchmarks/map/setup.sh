#!/usr/bin/env bash
# Installs the peer of the map benchmark (supercluster, pinned) into .bench/map-node.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$root/.bench/map-node"
mkdir -p "$dir"
cd "$dir"
if [ ! -f package.json ]; then
  printf '{"name": "tellus-map-bench", "private": true, "type": "module"}\n' > package.json
fi
npm install --no-audit --no-fund --save-exact supercluster@8.0.1
node -e "import('supercluster').then(m => console.log('supercluster ready:', typeof m.default))"
