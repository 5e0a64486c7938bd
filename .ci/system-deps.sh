#!/usr/bin/env bash
# Debian packages the test suite needs: PostgreSQL and Redis servers and Chromium.
# Installs only what is missing, and only as root; otherwise says what is missing.
set -euo pipefail
missing=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts its own servers; the tests start throwaway ones instead.
  service redis-server stop >/dev/null 2>&1 || true
else
  echo "system-deps: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
  [ "${CI:-}" = true ] && exit 1
fi
exit 0
