#!/usr/bin/env bash
# Writes one built workspace package, with its production dependencies only, to <outdir>: a
# self-contained folder that runs with `node dist/main.js`. The images and the deploy-checks
# tests both call this script, so the folder CI starts is the folder the images hold.
#
# Usage: docker/deploy-service.sh validator|transformer|cli <outdir>
set -euo pipefail

usage="usage: docker/deploy-service.sh validator|transformer|cli <outdir>"
[ "$#" -eq 2 ] || { echo "$usage" >&2; exit 2; }
case "$1" in
  validator | transformer) package_dir="services/$1" ;;
  cli) package_dir="packages/cli" ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
case "$2" in
  /*) out=$2 ;;
  *) out="$PWD/$2" ;;
esac
cd "$(dirname "$0")/.."

if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "deploy-service: $out is not empty; pass a new or empty folder" >&2
  exit 1
fi
if [ ! -f "$package_dir/dist/main.js" ]; then
  echo "deploy-service: $package_dir/dist/main.js is missing; build first ('pnpm build')" >&2
  exit 1
fi

package_name=$(node -p "require('./$package_dir/package.json').name")
pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")
if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version)" = "$pnpm_version" ]; then
  pnpm_command=(pnpm)
else
  pnpm_command=(npx -y "pnpm@${pnpm_version}")
fi

# --legacy: pnpm 10's default deploy accepts only workspaces with inject-workspace-packages=true,
# which would make every workspace dependency a copy during development too (a rebuilt package
# would not be seen until the next install). The legacy deploy copies the workspace packages into
# <outdir> only, at the versions of the shared lockfile.
"${pnpm_command[@]}" --filter "$package_name" deploy --prod --legacy "$out"

[ -f "$out/dist/main.js" ] || { echo "deploy-service: $out/dist/main.js was not deployed" >&2; exit 1; }

# The data contracts the validator compiles and the CLI's contract commands read by default
# (docs/contracts.md): in dist/contracts, where defaultContractsDir looks, so the images need no
# step of their own.
if [ "$1" != transformer ]; then
  cp -R contracts "$out/dist/contracts"
fi
