"""The ``caldav`` Python client against ``beffroi serve``: discovery, events, time ranges,
updates with ETags, deletion and sync tokens, as a phone or Thunderbird would use them."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import caldav
import niquests
import pytest
from caldav.lib.error import NotFoundError

from tests.conftest import beffroi, free_port
from tests.test_serve import running_server

pytestmark = pytest.mark.slow

PARIS = "Europe/Paris"


def _event(uid: str, summary: str, start: str, end: str, *, rule: str = "") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Beffroi tests//FR",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20261101T090000Z",
        f"DTSTART;TZID={PARIS}:{start}",
        f"DTEND;TZID={PARIS}:{end}",
        f"SUMMARY:{summary}",
        *([f"RRULE:{rule}"] if rule else []),
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(lines)


def _summaries(objects: list) -> list[str]:
    return sorted(str(item.icalendar_component["SUMMARY"]) for item in objects)


@pytest.fixture
def server(process_env, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A running server with the agent "jeanne" and an app password for calendars."""
    assert beffroi("migrate", "--no-input", env=process_env).returncode == 0
    added = beffroi(
        "user",
        "add",
        "jeanne",
        "--email",
        "jeanne@mairie.test",
        "--password-stdin",
        env=process_env,
        stdin="un mot de passe assez long\n",
    )
    assert added.returncode == 0, added.stderr
    for other in ("paul",):
        assert (
            beffroi(
                "user",
                "add",
                other,
                "--password-stdin",
                env=process_env,
                stdin="un autre mot de passe long\n",
            ).returncode
            == 0
        )
    issued = beffroi(
        "app-password",
        "add",
        "jeanne",
        "--label",
        "agenda",
        "--scope",
        "calendars",
        env=process_env,
    )
    assert issued.returncode == 0, issued.stderr
    secret = issued.stdout.strip()
    port = free_port()
    with running_server(process_env, port, tmp_path / "serve.log"):
        yield f"http://127.0.0.1:{port}", secret


def test_caldav_client_discovers_creates_queries_updates_deletes_and_syncs(server):
    """Through /.well-known/caldav the client finds jeanne's "Agenda", and every change it
    makes is read back by time range and by sync token."""
    base, secret = server
    client = caldav.DAVClient(
        url=f"{base}/.well-known/caldav", username="jeanne", password=secret, require_tls=False
    )
    principal = client.principal()
    assert str(principal.url).endswith("/dav/cal/jeanne/")
    calendars = principal.calendars()
    assert [calendar.get_display_name() for calendar in calendars] == ["Agenda"]
    agenda = calendars[0]

    council = agenda.save_event(
        _event("conseil-2026-12-01", "Conseil municipal", "20261201T183000", "20261201T210000")
    )
    agenda.save_event(
        _event("voirie-2026-12-15", "Visite de chantier", "20261215T090000", "20261215T110000")
    )
    # Mondays from 2 November: occurrences fall inside and outside the ranges queried below.
    agenda.save_event(
        _event(
            "service-hebdo",
            "Réunion de service",
            "20261102T090000",
            "20261102T100000",
            rule="FREQ=WEEKLY;UNTIL=20261130T235959Z",
        )
    )
    token = agenda.objects_by_sync_token(load_objects=False).sync_token

    first_week_of_december = agenda.search(
        start=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        end=dt.datetime(2026, 12, 8, tzinfo=dt.UTC),
        event=True,
    )
    assert _summaries(first_week_of_december) == ["Conseil municipal"]
    monday_9_november = agenda.search(
        start=dt.datetime(2026, 11, 9, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 10, tzinfo=dt.UTC),
        event=True,
    )
    assert _summaries(monday_9_november) == ["Réunion de service"]
    a_tuesday_to_sunday = agenda.search(
        start=dt.datetime(2026, 11, 17, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 23, tzinfo=dt.UTC),
        event=True,
    )
    assert a_tuesday_to_sunday == []
    after_the_rule_ends = agenda.search(
        start=dt.datetime(2026, 12, 2, tzinfo=dt.UTC),
        end=dt.datetime(2026, 12, 14, tzinfo=dt.UTC),
        event=True,
    )
    assert after_the_rule_ends == []

    council.load()
    council.icalendar_component["SUMMARY"] = "Conseil municipal (salle du conseil)"
    council.save()
    visit = agenda.event_by_uid("voirie-2026-12-15")
    visit.delete()

    changes = agenda.objects_by_sync_token(sync_token=token, load_objects=True)
    changed = {str(item.url).rsplit("/", 1)[-1]: item for item in changes}
    assert len(changed) == 2
    updated = [item for item in changed.values() if item.data]
    assert _summaries(updated) == ["Conseil municipal (salle du conseil)"]
    with pytest.raises(NotFoundError):
        agenda.event_by_uid("voirie-2026-12-15")
    remaining = agenda.search(event=True)
    assert _summaries(remaining) == ["Conseil municipal (salle du conseil)", "Réunion de service"]


def test_a_stale_etag_is_refused_and_another_agents_home_is_not_found(server):
    """A write with an outdated If-Match gets 412 and changes nothing; paul's home is a 404."""
    base, secret = server
    auth = ("jeanne", secret)
    url = f"{base}/dav/cal/jeanne/agenda/atelier.ics"
    body = _event("atelier", "Atelier", "20261203T140000", "20261203T160000")
    with niquests.Session() as http:
        found = http.request(
            "PROPFIND", f"{base}/dav/cal/jeanne/", auth=auth, headers={"Depth": "1"}
        )
        assert found.status_code == 207
        created = http.put(url, data=body.encode(), auth=auth, headers={"If-None-Match": "*"})
        assert created.status_code == 201
        etag = created.headers["ETag"]
        changed = body.replace("Atelier", "Atelier numérique")
        assert (
            http.put(url, data=changed.encode(), auth=auth, headers={"If-Match": etag}).status_code
            == 204
        )
        stale = http.put(url, data=body.encode(), auth=auth, headers={"If-Match": etag})
        assert stale.status_code == 412
        assert "modifié entre-temps" in stale.text
        assert "Atelier numérique" in http.get(url, auth=auth).text
        other = http.request("PROPFIND", f"{base}/dav/cal/paul/", auth=auth, headers={"Depth": "0"})
        assert other.status_code == 404
        nobody = http.request("PROPFIND", f"{base}/dav/cal/jeanne/", headers={"Depth": "0"})
        assert nobody.status_code == 401


VDIRSYNCER_CONFIG = """\
[general]
status_path = "{root}/status/"

[pair agenda]
a = "agenda_local"
b = "agenda_remote"
collections = ["from b"]
conflict_resolution = "b wins"

[storage agenda_local]
type = "filesystem"
path = "{root}/calendars/"
fileext = ".ics"

[storage agenda_remote]
type = "caldav"
url = "{base}/"
username = "jeanne"
password = "{secret}"
"""


def _vdirsyncer(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/usr/bin/vdirsyncer", "-c", str(config), *args],
        input="y\n" * 5,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_vdirsyncer_syncs_the_agenda_both_ways(server, tmp_path):
    """Debian's vdirsyncer discovers "agenda", pulls a server event, pushes a local one, and
    carries an edit and a deletion across."""
    base, secret = server
    auth = ("jeanne", secret)
    root = tmp_path / "vdirsyncer"
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(VDIRSYNCER_CONFIG.format(root=root, base=base, secret=secret))
    remote = f"{base}/dav/cal/jeanne/agenda"
    with niquests.Session() as http:
        # The first PROPFIND creates jeanne's "Agenda"; then the server gets one event.
        assert http.request(
            "PROPFIND", f"{base}/dav/cal/jeanne/", auth=auth, headers={"Depth": "1"}
        ).ok
        council = _event("conseil", "Conseil municipal", "20261201T183000", "20261201T210000")
        assert (
            http.put(f"{remote}/conseil.ics", data=council.encode(), auth=auth).status_code == 201
        )

        discovered = _vdirsyncer(config, "discover")
        assert discovered.returncode == 0, discovered.stderr
        pulled = _vdirsyncer(config, "sync")
        assert pulled.returncode == 0, pulled.stderr
        local = root / "calendars" / "agenda"
        assert [path.name for path in local.iterdir()] == ["conseil.ics"]
        assert "Conseil municipal" in (local / "conseil.ics").read_text()

        visit = _event("visite", "Visite de chantier", "20261215T090000", "20261215T110000")
        (local / "visite.ics").write_text(visit)
        (local / "conseil.ics").unlink()
        pushed = _vdirsyncer(config, "sync")
        assert pushed.returncode == 0, pushed.stderr
        assert "Visite de chantier" in http.get(f"{remote}/visite.ics", auth=auth).text
        assert http.get(f"{remote}/conseil.ics", auth=auth).status_code == 404

        current = http.get(f"{remote}/visite.ics", auth=auth)
        edited = visit.replace("Visite de chantier", "Visite de chantier reportée")
        changed = http.put(
            f"{remote}/visite.ics",
            data=edited.encode(),
            auth=auth,
            headers={"If-Match": current.headers["ETag"]},
        )
        assert changed.status_code == 204
        pulled_again = _vdirsyncer(config, "sync")
        assert pulled_again.returncode == 0, pulled_again.stderr
        assert "reportée" in (local / "visite.ics").read_text()


def test_two_servers_on_one_database_lose_no_concurrent_write(server, process_env, tmp_path):
    """Two `beffroi serve` processes take 40 PUTs to the same calendar at once, 20 each:
    every event is kept, and the revision counted each write exactly once."""
    base, secret = server
    auth = ("jeanne", secret)
    second_port = free_port()
    with running_server(process_env, second_port, tmp_path / "second.log"):
        bases = [base, f"http://127.0.0.1:{second_port}"]
        with niquests.Session() as http:
            home = http.request(
                "PROPFIND", f"{base}/dav/cal/jeanne/", auth=auth, headers={"Depth": "1"}
            )
            assert home.status_code == 207

        def put(number: int) -> int:
            text = _event(
                f"rdv-{number}", f"Rendez-vous {number}", "20261207T090000", "20261207T093000"
            )
            url = f"{bases[number % 2]}/dav/cal/jeanne/agenda/rdv-{number}.ics"
            with niquests.Session() as http:
                return int(http.put(url, data=text.encode(), auth=auth).status_code)

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(put, range(40)))
    assert statuses == [201] * 40
    client = caldav.DAVClient(url=f"{base}/dav/cal/", username="jeanne", password=secret)
    agenda = client.principal().calendars()[0]
    assert len(agenda.search(event=True)) == 40
    token = agenda.objects_by_sync_token(load_objects=False).sync_token
    assert token.endswith(":40")
