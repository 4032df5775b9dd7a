"""``beffroi mail``: adding a domain and exporting a mailbox, as an administrator does."""

from __future__ import annotations

import mailbox

from tests.conftest import beffroi

DELIVER = """
from beffroi.mail.actions import do_deliver, do_move
from beffroi.mail.models import Folder
from beffroi.directory.models import Agent
raw = (b"From: x@ailleurs.example\\r\\nSubject: Premier\\r\\n\\r\\nFrom the start\\r\\n"
       b">From quoted\\r\\n")
do_deliver(raw, "x@ailleurs.example", ["jeanne@mairie.test"])
do_deliver(b"Subject: Second\\r\\n\\r\\ncorps\\r\\n", "", ["jeanne@mairie.test"])
jeanne = Agent.objects.get(username="jeanne")
inbox = Folder.objects.get(mailbox__owner=jeanne, name="INBOX")
archive = Folder.objects.get(mailbox__owner=jeanne, name="Archives")
do_move(jeanne, inbox, [2], archive)
"""


def add_jeanne(env: dict[str, str]) -> None:
    added = beffroi(
        "user", "add", "jeanne", "--email", "jeanne@mairie.test", "--password-stdin",
        env=env, stdin="un mot de passe assez long\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr


def test_domain_add_gives_agents_their_mailbox_and_prints_the_dkim_record(process_env):
    """The domain is added once; Jeanne's mailbox exists; the DKIM TXT record is printed."""
    add_jeanne(process_env)
    result = beffroi("mail", "domain", "add", "Mairie.Test", env=process_env)
    assert result.returncode == 0, result.stderr
    assert "Domaine ajouté : mairie.test (1 boîte(s) aux lettres)." in result.stdout
    assert '._domainkey.mairie.test TXT "v=DKIM1; k=rsa; p=' in result.stdout
    again = beffroi("mail", "domain", "add", "mairie.test", env=process_env)
    assert again.returncode != 0
    assert "Ce domaine de messagerie existe déjà." in again.stderr
    assert "Traceback" not in again.stderr


def test_export_writes_the_mailbox_as_mbox(process_env, tmp_path):
    """Every folder, as mboxrd: Python's mailbox module reads the messages back, From_ lines
    in bodies quoted and unquoted correctly; --folder restricts to one folder."""
    add_jeanne(process_env)
    assert beffroi("mail", "domain", "add", "mairie.test", env=process_env).returncode == 0
    delivered = beffroi("shell", "-c", DELIVER, env=process_env)
    assert delivered.returncode == 0, delivered.stderr
    everything = beffroi("mail", "export", "jeanne", env=process_env)
    assert everything.returncode == 0, everything.stderr
    path = tmp_path / "jeanne.mbox"
    path.write_text(everything.stdout)
    messages = list(mailbox.mbox(path))
    assert [m["subject"] for m in messages] == ["Premier", "Second"]
    assert messages[0].get_from().startswith("x@ailleurs.example ")
    assert ">From the start" in everything.stdout
    assert ">>From quoted" in everything.stdout
    inbox = beffroi("mail", "export", "jeanne", "--folder", "INBOX", env=process_env)
    assert "Subject: Premier" in inbox.stdout
    assert "Subject: Second" not in inbox.stdout


def test_export_of_someone_without_a_mailbox_is_an_error(process_env):
    """An agent without a mailbox: a French error, nothing on standard output."""
    add_jeanne(process_env)
    result = beffroi("mail", "export", "jeanne", env=process_env)
    assert result.returncode != 0
    assert "jeanne : aucune boîte aux lettres." in result.stderr
    assert result.stdout == ""
