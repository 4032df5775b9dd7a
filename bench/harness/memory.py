"""The memory of a server made of several processes, sampled while a bench runs.

VmHWM (``peak_memory_mib``) is exact for one process but cannot be summed over a tree whose
processes come and go (Postfix starts an ``smtpd`` per connection, a ``virtual`` per delivery,
and lets them exit when idle), and summed resident sizes count shared libraries once per
process. So a thread reads, every ``interval`` seconds, the PSS (proportional set size: shared
pages divided among the processes sharing them) of the server and all its descendants from
``/proc/<pid>/smaps_rollup``, and keeps the largest total seen, with the RSS total beside it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import TracebackType


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return found


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    parents = _parents()
    members, frontier = [pid], [pid]
    while frontier:
        current = frontier.pop()
        children = [child for child, parent in parents.items() if parent == current]
        members.extend(children)
        frontier.extend(children)
    return members


def _rollup(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of a process in kB; zeros when it is gone."""
    pss = rss = 0
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            pss = int(line.split()[1])
        elif line.startswith("Rss:"):
            rss = int(line.split()[1])
    return pss, rss


class TreeMemory:
    """A context that samples a process tree's memory until it ends; the peaks in MiB."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.most_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        members = tree(self.pid)
        totals = [_rollup(member) for member in members]
        self.peak_pss_kib = max(self.peak_pss_kib, sum(pss for pss, _rss in totals))
        self.peak_rss_kib = max(self.peak_rss_kib, sum(rss for _pss, rss in totals))
        self.most_processes = max(self.most_processes, len(members))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()

    def figures(self) -> dict[str, float]:
        return {
            "pss_mib": round(self.peak_pss_kib / 1024, 1),
            "rss_mib": round(self.peak_rss_kib / 1024, 1),
            "processes": self.most_processes,
        }
