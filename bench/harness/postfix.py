"""Postfix from Debian as a reference mail server: started from a private configuration
directory, on loopback, delivering to Maildirs, and stopped again; never the system's service.

``postfix -c DIR start`` reads only ``DIR/main.cf`` and ``DIR/master.cf`` written here: its own
queue and data directories under the bench's temporary directory, ``inet_interfaces =
loopback-only``, smtpd on a high port, no chroot, virtual mailboxes of one domain delivered as
Maildirs (``virtual_mailbox_maps`` a ``texthash:`` table, read without ``postmap``), its log in a
file (``maillog_file``, the sandbox has no syslog). Postfix's master must start as root (it binds
and then drops to the ``postfix`` user for every daemon): the bench says so and leaves Postfix
out when it does not run as root.
"""

# The processes started are Postfix's own commands, with arguments built here.
# ruff: noqa: S603

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

POSTFIX = Path("/usr/sbin/postfix")
# Daemons of a Postfix that receives over SMTP and delivers to virtual Maildirs (no local
# delivery, no relay out): the lines of Debian's master.cf that this needs, chroot off.
MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
# Owner of the Maildirs (virtual(8) refuses root): nobody.
MAILDIR_UID = MAILDIR_GID = 65534


def unavailable() -> str | None:
    """Why Postfix cannot run here, or None."""
    if not POSTFIX.exists():
        return "postfix n'est pas installé (scripts/install-test-tools.sh l'installe)"
    if os.geteuid() != 0:
        return (
            "Postfix ne démarre qu'en root "
            "(son processus maître lie le port puis change d'utilisateur)"
        )
    try:
        pwd.getpwnam("postfix")
    except KeyError:
        return "l'utilisateur système postfix manque (paquet postfix mal installé)"
    return None


@dataclass
class Postfix:
    """A running private Postfix: where it listens and where it delivers."""

    home: Path
    port: int
    domain: str

    @property
    def config(self) -> Path:
        return self.home / "conf"

    def maildir(self, local_part: str) -> Path:
        """Where the messages of ``local_part@domain`` arrive (``new/`` of the Maildir)."""
        return self.home / "mail" / local_part / "new"

    def master_pid(self) -> int:
        return int((self.home / "queue" / "pid" / "master.pid").read_text().split()[0])

    def log(self) -> str:
        path = self.home / "maillog"
        return path.read_text(errors="replace") if path.exists() else ""

    def _postfix(self, command: str) -> subprocess.CompletedProcess[str]:
        # Postfix tells why it fails only on a terminal or in its log: the log is read on error.
        return subprocess.run(
            [str(POSTFIX), "-c", str(self.config), command],
            capture_output=True,
            text=True,
            check=False,
        )

    def start(self) -> None:
        started = self._postfix("start")
        deadline = time.monotonic() + 60
        while not (self.home / "queue" / "pid" / "master.pid").exists():
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"Postfix n'a pas démarré ({started.returncode}) :\n"
                    f"{started.stdout}{started.stderr}{self.log()[-4000:]}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        self._postfix("stop")
        deadline = time.monotonic() + 30
        while (self.home / "queue" / "pid" / "master.pid").exists():
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)


def configure(
    home: Path, port: int, domain: str, local_parts: list[str], cert: Path, key: Path
) -> Postfix:
    """Write a private Postfix configuration under ``home`` (created here)."""
    config = home / "conf"
    for directory in ("conf", "queue", "data", "mail"):
        (home / directory).mkdir(parents=True)
    # The home is under /tmp: Postfix's daemons (as the postfix user) must reach their queue.
    home.chmod(0o755)
    shutil.chown(home / "data", "postfix")
    table = home / "conf" / "mailboxes"
    table.write_text("".join(f"{part}@{domain} {part}/\n" for part in local_parts))
    for part in local_parts:
        for sub in ("new", "cur", "tmp"):
            (home / "mail" / part / sub).mkdir(parents=True)
    for path in [home / "mail", *(home / "mail").rglob("*")]:
        os.chown(path, MAILDIR_UID, MAILDIR_GID)
    (config / "main.cf").write_text(
        f"""compatibility_level = 3.6
queue_directory = {home}/queue
data_directory = {home}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = {home}/maillog
maillog_file_prefixes = {home}
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = postfix.{domain}
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
virtual_mailbox_domains = {domain}
virtual_mailbox_base = {home}/mail
virtual_mailbox_maps = texthash:{table}
virtual_uid_maps = static:{MAILDIR_UID}
virtual_gid_maps = static:{MAILDIR_GID}
smtpd_tls_cert_file = {cert}
smtpd_tls_key_file = {key}
smtpd_tls_security_level = may
smtputf8_enable = yes
message_size_limit = 52428800
virtual_mailbox_limit = 0
""",
        encoding="utf-8",
    )
    (config / "master.cf").write_text(MASTER_CF.format(port=port), encoding="utf-8")
    return Postfix(home, port, domain)
