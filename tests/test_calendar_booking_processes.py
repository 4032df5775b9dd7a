"""Two ``beffroi serve`` processes on one database book the same room at the same times over
CalDAV: for every slot exactly one booking wins and the other is refused with the slot named
(the room's calendar row is locked while checking: SELECT … FOR UPDATE on PostgreSQL, an
IMMEDIATE transaction on SQLite)."""

from __future__ import annotations

import threading
from pathlib import Path

import niquests
import pytest

from tests.conftest import beffroi, free_port
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

ROOM = "salle-du-conseil@mairie.test"
SLOTS = 8
CREATE_ROOM = f"""
from beffroi.calendars.actions import do_create_resource
from beffroi.directory.models import Agent
admin = Agent.objects.get(username="admin")
do_create_resource(admin, slug="salle-du-conseil", name="La salle du conseil", kind="room",
                   email="{ROOM}")
"""


def _booking(organizer: str, slot: int) -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Beffroi tests//FR",
            "BEGIN:VEVENT",
            f"UID:{organizer}-{slot}",
            "DTSTAMP:20261101T090000Z",
            f"DTSTART;TZID=Europe/Paris:202703{10 + slot:02d}T140000",
            f"DTEND;TZID=Europe/Paris:202703{10 + slot:02d}T160000",
            f"SUMMARY:Réunion de {organizer}",
            f"ORGANIZER:mailto:{organizer}@mairie.test",
            f"ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{ROOM}",
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def _setup(env: dict[str, str]) -> dict[str, str]:
    assert beffroi("migrate", "--no-input", env=env).returncode == 0
    secrets = {}
    for username, admin in (("admin", True), ("jeanne", False), ("paul", False)):
        added = beffroi(
            "user", "add", username, "--email", f"{username}@mairie.test",
            *(["--admin"] if admin else []), "--password-stdin",
            env=env, stdin="un mot de passe assez long\n",
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
        issued = beffroi(
            "app-password", "add", username, "--label", "agenda", "--scope", "calendars", env=env
        )
        assert issued.returncode == 0, issued.stderr
        secrets[username] = issued.stdout.strip()
    created = beffroi("shell", "-c", CREATE_ROOM, env=env)
    assert created.returncode == 0, created.stderr
    return secrets


def test_two_processes_never_book_one_slot_twice(process_env, tmp_path: Path):
    secrets = _setup(process_env)
    ports = [free_port(), free_port()]
    with (
        running_server(process_env, ports[0], tmp_path / "one.log"),
        running_server(process_env, ports[1], tmp_path / "two.log"),
    ):
        statuses: dict[tuple[str, int], int] = {}
        messages: list[str] = []

        def book(username: str, port: int) -> None:
            with niquests.Session() as session:
                session.auth = (username, secrets[username])
                for slot in range(SLOTS):
                    barrier.wait()
                    answer = session.put(
                        f"http://127.0.0.1:{port}/dav/cal/{username}/agenda/{slot}.ics",
                        data=_booking(username, slot).encode(),
                        headers={"Content-Type": "text/calendar"},
                    )
                    statuses[(username, slot)] = answer.status_code
                    if answer.status_code == 409:
                        messages.append(answer.text)

        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=book, args=("jeanne", ports[0])),
            threading.Thread(target=book, args=("paul", ports[1])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for slot in range(SLOTS):
        assert sorted([statuses[("jeanne", slot)], statuses[("paul", slot)]]) == [201, 409]
    assert len(messages) == SLOTS
    assert all("La salle du conseil est déjà réservée le " in text for text in messages)
