#!/usr/bin/env bash
# Prepares a fresh machine that has only git, Node >= 18 and npm: a JDK 17 for DynamoDB Local,
# the deployment checks' promtool, docker-compose and yamllint, and chromium for the quality
# report's browser test (Debian/Ubuntu: installed with apt when missing), then the pinned pnpm,
# the pinned Node 24 (the `node` devDependency) and every package, then a build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

pnpm_version=$(node -p "require('./package.json').packageManager.split('@')[1]")

# DynamoDB Local runs on Java 17+; our launcher is a single-file Java program, which needs the
# jdk.compiler module that only a JDK (not a bare JRE) has.
java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local major
  major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')
  [ -n "$major" ] && [ "$major" -ge 17 ] && java --list-modules 2>/dev/null | grep -q '^jdk.compiler@'
}

if ! java_ok; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing a JDK 17 (openjdk-17-jdk-headless) for DynamoDB Local" >&2
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null
  else
    echo "setup: a JDK 17 or newer is required for DynamoDB Local; install one (e.g. Temurin 17) and run this again" >&2
    exit 1
  fi
  java_ok || { echo "setup: java is still not a JDK 17+ after installing; check 'java -version'" >&2; exit 1; }
fi

# The deployment checks need no Docker engine, only Debian's tools: promtool (package prometheus)
# lints the services' metrics and the Prometheus config, docker-compose 1.x parses the compose
# file, yamllint reads the YAML. Elsewhere: put promtool, docker-compose and yamllint on PATH.
deploy_packages=()
command -v promtool >/dev/null 2>&1 || deploy_packages+=(prometheus)
command -v docker-compose >/dev/null 2>&1 || deploy_packages+=(docker-compose)
command -v yamllint >/dev/null 2>&1 || deploy_packages+=(yamllint)
if [ "${#deploy_packages[@]}" -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${deploy_packages[*]} for the deployment checks" >&2
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${deploy_packages[@]}" >/dev/null
    # Only promtool is wanted from the prometheus package: where systemd started its server, stop it.
    if [ -d /run/systemd/system ] && systemctl is-enabled --quiet prometheus 2>/dev/null; then
      $sudo_cmd systemctl disable --now prometheus
    fi
  else
    echo "setup: the deployment checks need promtool, docker-compose and yamllint; install ${deploy_packages[*]} and run this again" >&2
    exit 1
  fi
fi

# The quality report's browser test drives Debian's chromium (/usr/bin/chromium) with
# playwright-core, which never downloads a browser of its own. Elsewhere: install Chromium there.
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium for the quality report's browser test" >&2
    sudo_cmd=""
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
    $sudo_cmd apt-get update -qq
    $sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "setup: the quality report's browser test needs a Chromium at /usr/bin/chromium; install one and run this again" >&2
    exit 1
  fi
fi

echo "setup: installing packages with pnpm ${pnpm_version} (Node 24 comes with them)" >&2
npx -y "pnpm@${pnpm_version}" install --frozen-lockfile
npx -y "pnpm@${pnpm_version}" build
echo "setup: done" >&2
