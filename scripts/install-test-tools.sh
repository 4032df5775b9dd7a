#!/usr/bin/env bash
# Installs, when missing, the Debian programs that the test suite drives. Idempotent.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
# OpenLDAP server and tools: the LDAP import tests start their own slapd on loopback.
[ -x /usr/sbin/slapd ] || missing+=(slapd)
[ -x /usr/bin/ldapadd ] || missing+=(ldap-utils)
# GNU gettext: the translation tests compile and extract the catalog.
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# vdirsyncer: a real two-way CalDAV sync client (tests/test_caldav_client.py).
command -v vdirsyncer >/dev/null 2>&1 || missing+=(vdirsyncer)
# litmus: the WebDAV compliance suite run against /dav/files/ (tests/test_dav_litmus.py).
command -v litmus >/dev/null 2>&1 || missing+=(litmus)
# rclone and cadaver: WebDAV clients people use, driven by tests/test_dav_clients.py.
command -v rclone >/dev/null 2>&1 || missing+=(rclone)
command -v cadaver >/dev/null 2>&1 || missing+=(cadaver)
# Apache httpd with mod_dav and htpasswd: the reference server of bench/files.py, whose quick
# run is in the suite (tests/test_bench.py).
[ -x /usr/sbin/apache2 ] || missing+=(apache2)
command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
# swaks and the Perl TLS modules it needs for STARTTLS: the SMTP client of the mail tests
# (tests/test_smtp_swaks.py).
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
perl -MIO::Socket::SSL -e1 >/dev/null 2>&1 || missing+=(libio-socket-ssl-perl)
perl -MNet::SSLeay -e1 >/dev/null 2>&1 || missing+=(libnet-ssleay-perl)
# Postfix: the reference server of bench/mail.py, run from a private configuration directory
# (never as the system's mail service: "No configuration" leaves no main.cf and starts nothing).
[ -x /usr/sbin/postfix ] || missing+=(postfix)
# rspamd: the spam filter the inbound listener asks over HTTP (beffroi/mail/tests/test_spam_rspamd.py
# starts its own on loopback, from a configuration in a temporary directory).
command -v rspamd >/dev/null 2>&1 || missing+=(rspamd)
# The public suffix list: DMARC's organisational domain (beffroi/mail/public_suffix.py).
[ -f /usr/share/publicsuffix/public_suffix_list.dat ] || missing+=(publicsuffix)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
else
  sudo_cmd=()
fi
echo "Installation des outils de test manquants : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [[ " ${missing[*]} " == *" postfix "* ]]; then
  echo "postfix postfix/main_mailer_type select No configuration" \
    | "${sudo_cmd[@]}" debconf-set-selections
fi
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
