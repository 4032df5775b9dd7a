"""Calendars over CalDAV, side by side with a stand-alone Radicale 3 serving the same data.

Issue 5's benchmark: calendar-query time-range REPORT on a calendar of 20,000 events with
recurrences, sync-collection after 100 changes, and the PUT rate; for each, Beffroi and Radicale
(PyPI ``radicale``, started here on loopback with its file storage and htpasswd auth).

What it does, on a fresh embedded instance (SQLite in a temporary data directory, or the
PostgreSQL database given with ``--database-url``, which it empties first):

1. writes a realistic calendar of 20,000 objects as ``.ics`` files: mostly single events over
   three years (some all-day), and about one in eight recurring (weekly rules with a count, an
   end date or no end, with excluded dates and a moved instance; daily rules with a count;
   yearly all-day anniversaries), each with its Europe/Paris VTIMEZONE. Those files are
   Radicale's storage as it is (a collection folder with one file per object);
2. loads the same objects into Beffroi through ``beffroi.calendars.actions.do_put_event`` in a
   ``beffroi shell`` process (in batches of 500 per transaction), and says how fast;
3. starts ``beffroi serve --role web`` and then Radicale, and measures against each over one
   keep-alive connection: calendar-query REPORTs on a week (ETags and data) and on a month
   (ETags only), each once cold and then N times; a first sync-collection (no token), then 100
   changes (90 rewritten objects, 10 deleted) and the sync-collection from the first token; and
   the rate of PUTs creating new objects, one after the other;
4. reads each server's peak resident memory (VmHWM).

Prints a table with the ratio Beffroi / Radicale, writes ``bench/results/calendars.json``
(``calendars-quick.json`` with ``--quick``), and exits 1 when an answer is wrong (a status, or a
sync that does not list the 100 changes). The two servers may disagree on which recurring
objects fall in a range: the counts are printed and a difference is noted, not failed.

    .venv/bin/python bench/calendars.py [--quick] [--database-url postgres://…]
"""

# The passwords below are made-up test values, and the processes started are our own command
# and the server compared with it.
# ruff: noqa: S105, S311

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    REPOSITORY,
    Client,
    add_agent,
    beffroi,
    database_label,
    empty_database,
    free_port,
    instance_env,
    peak_memory_mib,
    ratio,
    running,
    show,
    summary,
    timed,
    write_results,
)

USERNAME = "agent.agenda"
PASSWORD = "Mesure-des-agendas-2026!"
SLUG = "mesure"
RESPONSE_TAG = re.compile(rb"<(?:[A-Za-z0-9]+:)?response[\s>]")
HREF_NAME = re.compile(rb"<(?:[A-Za-z0-9]+:)?href>[^<]*/([^/<]+)</")
SYNC_TOKEN = re.compile(rb"<(?:[A-Za-z0-9]+:)?sync-token>([^<]+)<")
XML = {"Content-Type": "application/xml; charset=utf-8"}
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE"""
SUMMARIES = (
    "Conseil municipal",
    "Commission urbanisme",
    "Réunion de service",
    "Permanence état civil",
    "Rendez-vous administré",
    "Comité des fêtes",
    "Visite de chantier",
    "Point budget",
    "Formation sécurité",
    "Entretien annuel",
)
FIRST_DAY = dt.date(2025, 1, 1)
DAYS = 3 * 365
WEEK = ("20260309T000000Z", "20260316T000000Z")
MONTH = ("20260601T000000Z", "20260701T000000Z")


@dataclass(frozen=True)
class Sizes:
    events: int
    changes: int
    puts: int
    repeats: int


FULL = Sizes(events=20_000, changes=100, puts=500, repeats=10)
QUICK = Sizes(events=300, changes=20, puts=20, repeats=3)


@dataclass
class Target:
    label: str
    port: int
    calendar: str
    secret: str
    figures: dict[str, Any] = field(default_factory=dict)
    # The object names each query answered, to name those the two servers disagree on.
    answered: dict[str, set[str]] = field(default_factory=dict)

    def client(self) -> Client:
        return Client(self.port, USERNAME, self.secret)


# --- The calendar -------------------------------------------------------------------------------


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _vevent(uid: str, start: dt.datetime, minutes: int, summary: str, extra: str = "") -> str:
    end = start + dt.timedelta(minutes=minutes)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T120000Z\nSEQUENCE:0\n"
        f"DTSTART;TZID=Europe/Paris:{_stamp(start)}\nDTEND;TZID=Europe/Paris:{_stamp(end)}\n"
        f"SUMMARY:{summary}\nLOCATION:Mairie\n{extra}END:VEVENT\n"
    )


def _calendar_object(body: str) -> str:
    text = (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Beffroi//Mesure//FR\n"
        f"{VTIMEZONE}\n{body}END:VCALENDAR\n"
    )
    return text.replace("\n", "\r\n")


def _weekly(chooser: random.Random, uid: str, start: dt.datetime, minutes: int, title: str) -> str:
    days = ("MO", "TU", "WE", "TH", "FR")
    draw = chooser.random()
    if draw < 0.5:
        end = f";COUNT={chooser.randint(10, 52)}"
    elif draw < 0.75:
        until = start + dt.timedelta(days=chooser.randint(60, 400))
        end = f";UNTIL={until:%Y%m%dT235959Z}"
    else:
        end = ""
    rule = f"RRULE:FREQ=WEEKLY;BYDAY={days[start.weekday() % 5]}{end}\n"
    excluded = [
        start + dt.timedelta(weeks=chooser.randint(1, 8)) for _ in range(chooser.randint(1, 3))
    ]
    exdates = "".join(f"EXDATE;TZID=Europe/Paris:{_stamp(day)}\n" for day in sorted(set(excluded)))
    master = _vevent(uid, start, minutes, title, rule + exdates)
    if chooser.random() >= 0.33:
        return master
    moved = start + dt.timedelta(weeks=9)
    override = _vevent(
        uid,
        moved + dt.timedelta(hours=1),
        minutes,
        title + " (déplacé)",
        f"RECURRENCE-ID;TZID=Europe/Paris:{_stamp(moved)}\n",
    )
    return master + override


def _object(number: int, chooser: random.Random) -> tuple[str, str]:
    """The resource name and text of object ``number`` of the calendar."""
    uid = f"mesure-{number:06d}@beffroi.example"
    day = FIRST_DAY + dt.timedelta(days=chooser.randrange(DAYS))
    start = dt.datetime.combine(day, dt.time(chooser.randint(8, 17), chooser.choice((0, 15, 30))))
    minutes = chooser.choice((30, 45, 60, 90, 120))
    title = f"{chooser.choice(SUMMARIES)} n° {number}"
    draw = chooser.random()
    if draw < 0.85:
        body = _vevent(uid, start, minutes, title)
    elif draw < 0.88:
        body = (
            f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T120000Z\n"
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}\n"
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=chooser.randint(1, 3)):%Y%m%d}\n"
            f"SUMMARY:{title}\nTRANSP:TRANSPARENT\nEND:VEVENT\n"
        )
    elif draw < 0.96:
        body = _weekly(chooser, uid, start, minutes, title)
    elif draw < 0.99:
        excluded = start + dt.timedelta(days=2)
        body = _vevent(
            uid, start, minutes, title,
            f"RRULE:FREQ=DAILY;COUNT={chooser.randint(5, 30)}\n"
            f"EXDATE;TZID=Europe/Paris:{_stamp(excluded)}\n",
        )  # fmt: skip
    else:
        body = (
            f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T120000Z\n"
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}\n"
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}\n"
            f"RRULE:FREQ=YEARLY\nSUMMARY:Anniversaire n° {number}\nTRANSP:TRANSPARENT\nEND:VEVENT\n"
        )
    return f"{uid.split('@')[0]}.ics", _calendar_object(body)


def _write_calendar(folder: Path, count: int) -> list[str]:
    """Write the objects as Radicale's storage of one calendar; their names."""
    folder.mkdir(parents=True)
    (folder / ".Radicale.props").write_text(
        json.dumps({"tag": "VCALENDAR", "D:displayname": "Mesure"}), encoding="utf-8"
    )
    chooser = random.Random(5)
    names = []
    for number in range(count):
        name, text = _object(number, chooser)
        (folder / name).write_text(text, encoding="utf-8", newline="")
        names.append(name)
    return names


_LOAD = """
import json, time
from pathlib import Path
from django.db import transaction
from beffroi.calendars import actions
from beffroi.directory.models import Agent
agent = Agent.objects.get(username=USERNAME)
calendar = actions.do_create_calendar(agent, slug=SLUG, name="Mesure")
paths = sorted(p for p in Path(FOLDER).iterdir() if p.suffix == ".ics")
started = time.perf_counter()
for first in range(0, len(paths), 500):
    with transaction.atomic():
        for path in paths[first:first + 500]:
            actions.do_put_event(agent, calendar, path.name, path.read_bytes())
print(json.dumps({"seconds": time.perf_counter() - started, "count": len(paths)}))
"""


def _load_into_beffroi(env: dict[str, str], folder: Path) -> dict[str, Any]:
    code = f"USERNAME = {USERNAME!r}\nSLUG = {SLUG!r}\nFOLDER = {str(folder)!r}\n" + _LOAD
    loaded = json.loads(
        beffroi("shell", "--no-imports", "-c", code, env=env).strip().splitlines()[-1]
    )
    return {
        "how": "beffroi.calendars.actions.do_put_event dans beffroi shell, 500 par transaction",
        "seconds": round(loaded["seconds"], 2),
        "objects_s": round(loaded["count"] / loaded["seconds"], 1),
    }


# --- Radicale -----------------------------------------------------------------------------------


def _radicale_config(home: Path, port: int) -> Path:
    (home / "users").write_text(f"{USERNAME}:{PASSWORD}\n", encoding="utf-8")
    config = home / "config"
    config.write_text(
        f"""[server]
hosts = 127.0.0.1:{port}

[auth]
type = htpasswd
htpasswd_filename = {home / "users"}
htpasswd_encryption = plain

[rights]
type = owner_only

[storage]
type = multifilesystem
filesystem_folder = {home / "storage"}

[web]
type = none

[logging]
level = warning
""",
        encoding="utf-8",
    )
    return config


# --- Measures -----------------------------------------------------------------------------------


def _query_body(start: str, end: str, *, with_data: bool) -> bytes:
    data = "<C:calendar-data/>" if with_data else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
        f"<D:prop><D:getetag/>{data}</D:prop>"
        '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
        f'<C:time-range start="{start}" end="{end}"/>'
        "</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    ).encode()


def _sync_body(token: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<D:sync-collection xmlns:D="DAV:">'
        f"<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
        "<D:prop><D:getetag/></D:prop></D:sync-collection>"
    ).encode()


def _measure_query(
    target: Target, key: str, body: bytes, repeats: int, problems: list[str]
) -> None:
    client = target.client()
    headers = {**XML, "Depth": "1"}
    first, timings, status, answer = timed(
        lambda: client.request("REPORT", target.calendar, body, headers), repeats
    )
    if status != 207:
        problems.append(f"{target.label} : {key} → {status} {answer[:300]!r}")
    target.figures[key] = {
        **summary(timings),
        "first_ms": round(first * 1000, 1),
        "objects": len(RESPONSE_TAG.findall(answer)),
        "bytes": len(answer),
    }
    target.answered[key] = {name.decode() for name in HREF_NAME.findall(answer)}


def _changed(text: str, number: int) -> str:
    return text.replace("SUMMARY:", f"SUMMARY:[modifié {number}] ", 1)


def _measure_sync(
    target: Target, names: list[str], folder: Path, sizes: Sizes, problems: list[str]
) -> None:
    client = target.client()
    started = time.perf_counter()
    status, answer = client.request("REPORT", target.calendar, _sync_body(""), XML)
    initial = time.perf_counter() - started
    found = SYNC_TOKEN.search(answer)
    if status != 207 or found is None:
        problems.append(f"{target.label} : synchronisation initiale → {status}")
        return
    token = found.group(1).decode()
    initial_objects = len(RESPONSE_TAG.findall(answer))
    chooser = random.Random(100)
    touched = chooser.sample(names, sizes.changes)
    deleted = touched[: sizes.changes // 10]
    for number, name in enumerate(touched):
        path = target.calendar + name
        if name in deleted:
            status, _body = client.request("DELETE", path)
        else:
            text = _changed((folder / name).read_text(encoding="utf-8"), number)
            status, _body = client.request(
                "PUT", path, text.encode(), {"Content-Type": "text/calendar; charset=utf-8"}
            )
        if status not in (200, 201, 204):
            problems.append(f"{target.label} : changement de {name} → {status}")
    body = _sync_body(token)
    first, timings, status, answer = timed(
        lambda: client.request("REPORT", target.calendar, body, XML), sizes.repeats
    )
    listed = len(RESPONSE_TAG.findall(answer))
    if status != 207 or listed != sizes.changes:
        problems.append(
            f"{target.label} : synchronisation après {sizes.changes} changements → {status}, "
            f"{listed} réponses"
        )
    target.figures["sync_initial"] = {
        "ms": round(initial * 1000, 1),
        "objects": initial_objects,
    }
    target.figures["sync_after_changes"] = {
        **summary(timings),
        "first_ms": round(first * 1000, 1),
        "responses": listed,
    }


def _measure_puts(target: Target, sizes: Sizes, problems: list[str]) -> None:
    client = target.client()
    chooser = random.Random(7)
    objects = [_object(100_000 + number, chooser) for number in range(sizes.puts)]
    headers = {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"}
    statuses = set()
    timings = []
    started = time.perf_counter()
    for name, text in objects:
        began = time.perf_counter()
        status, _body = client.request("PUT", target.calendar + name, text.encode(), headers)
        timings.append(time.perf_counter() - began)
        statuses.add(status)
    elapsed = time.perf_counter() - started
    if statuses != {201}:
        problems.append(f"{target.label} : PUT de nouveaux objets → {sorted(statuses)}")
    target.figures["put"] = {**summary(timings), "objects_s": round(sizes.puts / elapsed, 1)}


def _measure(
    target: Target, pid: int, names: list[str], folder: Path, sizes: Sizes, problems: list[str]
) -> None:
    print(f"… {target.label} : calendar-query", flush=True)
    _measure_query(
        target, "query_week", _query_body(*WEEK, with_data=True), sizes.repeats, problems
    )
    _measure_query(
        target, "query_month", _query_body(*MONTH, with_data=False), sizes.repeats, problems
    )
    show(target.label, target.figures, "query_week", "query_month")
    print(f"… {target.label} : sync-collection", flush=True)
    _measure_sync(target, names, folder, sizes, problems)
    show(target.label, target.figures, "sync_initial", "sync_after_changes")
    print(f"… {target.label} : PUT", flush=True)
    _measure_puts(target, sizes, problems)
    target.figures["peak_memory_mib"] = peak_memory_mib(pid)
    show(target.label, target.figures, "put", "peak_memory_mib")


# --- Report -------------------------------------------------------------------------------------


def _rows(ours: dict[str, Any], theirs: dict[str, Any], sizes: Sizes) -> list[dict[str, Any]]:
    rows = []

    def timing(figure: dict[str, Any]) -> str:
        return f"{figure['median_ms']:.0f} ms (1re {figure['first_ms']:.0f})"

    def rate(figure: dict[str, Any]) -> str:
        return f"{figure['objects_s']:.0f}/s (méd. {figure['median_ms']:.0f} ms)"

    for key, label in (
        ("query_week", "calendar-query 1 semaine (données)"),
        ("query_month", "calendar-query 1 mois (ETags)"),
        ("sync_after_changes", f"sync-collection après {sizes.changes} changements"),
    ):
        rows.append(
            {
                "measure": label,
                "beffroi": timing(ours[key]),
                "radicale": timing(theirs[key]),
                "ratio": ratio(ours[key]["median_ms"], theirs[key]["median_ms"]),
            }
        )
    rows.append(
        {
            "measure": f"sync-collection initiale ({sizes.events} objets)",
            "beffroi": f"{ours['sync_initial']['ms']:.0f} ms",
            "radicale": f"{theirs['sync_initial']['ms']:.0f} ms",
            "ratio": ratio(ours["sync_initial"]["ms"], theirs["sync_initial"]["ms"]),
        }
    )
    rows.append(
        {
            "measure": f"PUT de {sizes.puts} nouveaux objets",
            "beffroi": rate(ours["put"]),
            "radicale": rate(theirs["put"]),
            "ratio": ratio(theirs["put"]["objects_s"], ours["put"]["objects_s"]),
        }
    )
    rows.append(
        {
            "measure": "mémoire résidente maximale (VmHWM)",
            "beffroi": f"{ours['peak_memory_mib']['process']:.0f} Mio",
            "radicale": f"{theirs['peak_memory_mib']['process']:.0f} Mio",
            "ratio": ratio(
                ours["peak_memory_mib"]["process"], theirs["peak_memory_mib"]["process"]
            ),
        }
    )
    return rows


def _print_table(rows: list[dict[str, Any]]) -> None:
    header = f"{'mesure':<44} {'beffroi':>26} {'radicale':>26} {'rapport':>8}"
    print(header)
    print("-" * len(header))
    for row in rows:
        shown = "" if row["ratio"] is None else f"{row['ratio']:.2f}"
        print(f"{row['measure']:<44} {row['beffroi']:>26} {row['radicale']:>26} {shown:>8}")
    print(
        "(rapport = durée Beffroi / durée Radicale, au-dessus de 1 Beffroi est plus lent ; "
        "médiane après une 1re requête à froid)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="petites tailles (test de la suite)")
    parser.add_argument(
        "--database-url", help="base PostgreSQL à utiliser (vidée d'abord) au lieu de SQLite"
    )
    parser.add_argument("--redis-url", help="Redis à utiliser (temps réel, cache)")
    parser.add_argument(
        "--repeats", type=int, help=f"requêtes après la première, à froid ({FULL.repeats})"
    )
    parser.add_argument("--events", type=int, help="objets de l'agenda (20000)")
    parser.add_argument("--puts", type=int, help="nouveaux objets envoyés par PUT (500)")
    options = parser.parse_args()
    sizes = QUICK if options.quick else FULL
    changes = {"repeats": options.repeats, "events": options.events, "puts": options.puts}
    sizes = dataclasses.replace(sizes, **{k: v for k, v in changes.items() if v})

    problems: list[str] = []
    notes: list[str] = []
    load_before = os.getloadavg()[0]
    scratch = Path(tempfile.mkdtemp(prefix="beffroi-bench-calendars-"))
    try:
        if options.database_url:
            empty_database(options.database_url)
        env = instance_env(
            scratch / "var", database_url=options.database_url, redis_url=options.redis_url
        )
        print(f"… écriture de {sizes.events} objets", flush=True)
        radicale_home = scratch / "radicale"
        folder = radicale_home / "storage" / "collection-root" / USERNAME / SLUG
        names = _write_calendar(folder, sizes.events)
        originals = scratch / "originaux"
        shutil.copytree(folder, originals)
        print("… chargement dans Beffroi", flush=True)
        beffroi("migrate", "--verbosity", "0", env=env)
        secret = add_agent(env, USERNAME, PASSWORD, scope="calendars")
        load = _load_into_beffroi(env, originals)

        port = free_port()
        ours = Target("beffroi", port, f"/dav/cal/{USERNAME}/{SLUG}/", secret)
        command = [sys.executable, "-m", "beffroi", "serve", "--role", "web", "--port", str(port)]
        with running(command, port=port, log=scratch / "serve.log", env=env) as process:
            _measure(ours, process.pid, names, originals, sizes, problems)
        ours.figures["load"] = load

        port = free_port()
        theirs = Target("radicale", port, f"/{USERNAME}/{SLUG}/", PASSWORD)
        config = _radicale_config(radicale_home, port)
        command = [sys.executable, "-m", "radicale", "--config", str(config)]
        with running(command, port=port, log=radicale_home / "radicale.log") as process:
            _measure(theirs, process.pid, names, originals, sizes, problems)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    for key in ("query_week", "query_month"):
        counted = (ours.figures[key]["objects"], theirs.figures[key]["objects"])
        if counted[0] != counted[1]:
            only_ours = sorted(ours.answered[key] - theirs.answered[key])[:5]
            only_theirs = sorted(theirs.answered[key] - ours.answered[key])[:5]
            notes.append(
                f"{key} : Beffroi renvoie {counted[0]} objets, Radicale {counted[1]} "
                f"(seulement Beffroi : {only_ours} ; seulement Radicale : {only_theirs})"
            )
    rows = _rows(ours.figures, theirs.figures, sizes)
    _print_table(rows)
    print(
        f"chargement de {sizes.events} objets dans Beffroi : {load['objects_s']} objets/s "
        f"({load['seconds']} s, actions sans HTTP) ; Radicale lit ses fichiers tels quels"
    )
    for key in ("query_week", "query_month"):
        print(
            f"{key} : {ours.figures[key]['objects']} objets (Beffroi), "
            f"{theirs.figures[key]['objects']} (Radicale)"
        )
    for note in notes:
        print(f"note : {note}")
    for problem in problems:
        print(f"ERREUR : {problem}")
    path = write_results(
        "calendars-quick" if options.quick else "calendars",
        {
            "database": database_label(options.database_url),
            "sizes": sizes.__dict__,
            "rows": rows,
            "figures": {"beffroi": ours.figures, "radicale": theirs.figures},
            "notes": notes,
            "problems": problems,
        },
        load_before=load_before,
    )
    print(f"résultats : {path.relative_to(REPOSITORY)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
