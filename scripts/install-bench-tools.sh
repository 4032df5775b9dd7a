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
# Postfix: the reference mail server of bench/mail.py, run from a private configuration
# directory (never as the system's mail service: "No configuration" starts nothing).
[ -x /usr/sbin/postfix ] || missing+=(postfix)

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
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  echo "postfix postfix/main_mailer_type select No configuration" \
    | "${sudo_cmd[@]}" debconf-set-selections
fi
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
