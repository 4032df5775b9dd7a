#!/usr/bin/env bash
# Installs, when missing, the Debian programs the benchmarks drive or compare against
# (bench/README.md). Idempotent; `make bench` runs it first.
set -euo pipefail

missing=()
# Apache httpd with mod_dav: the reference WebDAV server of bench/files.py (started by the
# bench itself, unprivileged, on loopback); htpasswd (apache2-utils) for its Basic auth.
[ -x /usr/sbin/apache2 ] || missing+=(apache2)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# rclone: the WebDAV client of the small-files measure.
command -v rclone >/dev/null 2>&1 || missing+=(rclone)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
echo "Installation des outils de mesure manquants : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
