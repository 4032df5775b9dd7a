"""Search: query latency and indexing throughput, on SQLite (FTS5) and on PostgreSQL.

Issue 6's benchmark: 100,000 indexed documents (files, wiki pages, tasks) for 500 agents across
200 workspaces; p50/p95 latency of single-word queries, phrases and prefix-as-you-type queries,
and indexing throughput, on each engine, with the ratio PostgreSQL / SQLite.

What it does, for each engine (a fresh SQLite instance in a temporary data directory; a
throwaway PostgreSQL database the bench creates on ``--postgres-url`` and drops afterwards, or
the database given with ``--database-url``, emptied first):

1. migrates the search's tables, then, in a worker process (the real settings, no server),
   generates the documents as ``Document``s with French text drawn from a municipal word list
   (Zipf-like frequencies; files ~120 words of content, pages ~200, tasks ~25), each in one of
   the workspaces (scope ``workspace:<n>``), and indexes them through
   ``beffroi.search.indexing.index_now`` (batches of 500): documents per second;
2. gives each of the 500 agents 2 to 8 workspaces (the sources registered for the bench answer
   their scopes), and times ``access_search`` (the whole path: parsing, the engine, counts per
   kind, snippets) for single words, two-word phrases taken from the documents, and prefixes
   typed as-you-type (3 to 6 letters of a word), each by a random agent: p50 and p95.

Prints a table with PostgreSQL / SQLite ratios, writes ``bench/results/search.json``
(``search-quick.json`` with ``--quick``), and exits 1 when an answer is wrong (a single word
that finds nothing anywhere, a hit outside the agent's workspaces).

    .venv/bin/python bench/search.py [--quick] [--documents N] [--no-postgres]
        [--postgres-url postgres://postgres@127.0.0.1:5432/postgres] [--database-url …]
"""

# The word choices are a workload, not secrets; the processes started are our own command.
# ruff: noqa: S311, S603

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    REPOSITORY,
    beffroi,
    database_label,
    empty_database,
    instance_env,
    ratio,
    write_results,
)

WORDS = """
commune mairie conseil municipal délibération budget primitif annexe section fonctionnement
investissement subvention association école maternelle élémentaire cantine périscolaire
travaux voirie chaussée trottoir éclairage public réseau assainissement eau potable pluvial
bâtiment rénovation énergétique isolation chauffage toiture façade église salle polyvalente
gymnase stade terrain parking stationnement circulation sécurité signalisation carrefour
giratoire aménagement urbanisme permis construire déclaration préalable plan local
cadastre parcelle zone agricole naturelle urbaine lotissement logement social bailleur
marché public appel offres consultation entreprise devis facture mandat titre recette
dépense crédit virement décision modificative compte administratif gestion trésorerie
emprunt dotation État département région intercommunalité communauté agglomération
syndicat mixte convention partenariat contrat avenant réunion compte rendu ordre jour
procès-verbal séance vote unanimité majorité abstention adjoint maire élu conseiller
agent service technique administratif ressources humaines recrutement formation congé
arrêté autorisation occupation domaine fête kermesse festival culture bibliothèque
médiathèque musée patrimoine tourisme office animation jeunesse sport loisirs centre
social action solidarité personnes âgées handicap accessibilité transport scolaire
ramassage ordures ménagères déchets tri collecte déchetterie environnement espaces verts
fleurissement arbres élagage entretien cimetière concession état civil naissance mariage
décès recensement élections liste électorale bureau vote police municipale prévention
incendie secours pompiers crise inondation tempête alerte plan communal sauvegarde
numérique site internet messagerie téléphone informatique logiciel matériel serveur
réunion planning calendrier projet étude diagnostic rapport synthèse note analyse avis
commission appel candidature jury lauréat chantier livraison réception réserves garantie
""".split()  # noqa: SIM905 - a word list reads better as text
GLUE = (
    "le la les de des du un une et à au aux en dans pour par sur avec sans est sont a ont".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Sizes:
    documents: int
    agents: int
    workspaces: int
    queries: int  # per kind of query


FULL = Sizes(documents=100_000, agents=500, workspaces=200, queries=200)
QUICK = Sizes(documents=2_000, agents=20, workspaces=10, queries=20)

# (kind, share of the documents, words of body)
KINDS = [("file", 0.6, 120), ("page", 0.25, 200), ("task", 0.15, 25)]


# --- The worker: runs inside a configured instance ----------------------------------------------


def _sentence(rng: random.Random, weights: list[float], length: int) -> str:
    words = rng.choices(WORDS, weights=weights, k=length)
    out = []
    for index, word in enumerate(words):
        out.append(word)
        if index % 3 == 1:
            out.append(rng.choice(GLUE))
    return " ".join(out)


def _documents(sizes: Sizes, seed: int) -> Any:
    import datetime as dt

    from beffroi.search.documents import Document

    rng = random.Random(seed)
    # Zipf-like: the 20th word is twenty times rarer than the first.
    weights = [1 / (rank + 1) for rank in range(len(WORDS))]
    rng.shuffle(weights)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    for number in range(sizes.documents):
        draw = rng.random()
        kind, length = KINDS[-1][0], KINDS[-1][2]
        total = 0.0
        for candidate, share, words in KINDS:
            total += share
            if draw < total:
                kind, length = candidate, words
                break
        title = _sentence(rng, weights, rng.randint(2, 5)).capitalize()
        if kind == "file":
            title += rng.choice([".pdf", ".odt", ".docx", ".txt"])
        yield Document(
            kind=kind,
            object_id=f"{kind}-{number}",
            scope=f"workspace:{rng.randrange(sizes.workspaces)}",
            title=title,
            body=". ".join(
                _sentence(rng, weights, 12).capitalize() for _ in range(max(1, length // 12))
            ),
            url=f"/{kind}/{number}/",
            updated_at=start + dt.timedelta(minutes=number),
        )


@dataclass(frozen=True)
class BenchAgent:
    """Enough of an agent for ``access_search``: signed in, active, with workspaces."""

    pk: int
    workspaces: tuple[int, ...]
    is_authenticated: bool = True
    can_sign_in: bool = True


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(value * 1000 for value in seconds)
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 2),
        "max_ms": round(ms[-1], 2),
    }


def worker(sizes: Sizes) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "beffroi.conf.settings")
    import django

    django.setup()
    from django.db import connection

    from beffroi.search import french, registry
    from beffroi.search.access import access_search
    from beffroi.search.indexing import index_now
    from beffroi.search.registry import Source

    rng = random.Random(7)
    agents = [
        BenchAgent(n, tuple(rng.sample(range(sizes.workspaces), rng.randint(2, 8))))
        for n in range(sizes.agents)
    ]
    for kind, _share, _words in KINDS:
        registry.register(
            Source(
                kind=kind,
                label=kind,
                scopes=lambda agent: [f"workspace:{w}" for w in agent.workspaces],
                documents=lambda: iter(()),
            )
        )
    for other in [s.kind for s in registry.sources() if s.kind not in {k for k, _, _ in KINDS}]:
        registry._SOURCES.pop(other, None)

    started = time.perf_counter()
    indexed = index_now(_documents(sizes, seed=1))
    seconds = time.perf_counter() - started
    indexing = {
        "documents": indexed,
        "seconds": round(seconds, 2),
        "documents_s": round(indexed / seconds, 1),
    }
    print(f"  {connection.vendor} : {indexed} documents indexés en {seconds:.1f} s", flush=True)

    # Phrases and prefixes come from the documents' own words.
    sample = list(_documents(dataclasses.replace(sizes, documents=200), seed=1))
    texts = [french.WORD.findall(d.body) for d in sample]
    problems: list[str] = []
    results: dict[str, Any] = {"indexing": indexing}
    plans = {
        "single_word": lambda: (rng.choice(WORDS), False),
        "phrase": lambda: _phrase(rng, texts),
        "prefix": lambda: (_prefix(rng), True),
    }
    for name, make in plans.items():
        timings: list[float] = []
        found_any = 0
        for _ in range(sizes.queries):
            agent = rng.choice(agents)
            text, prefix = make()
            began = time.perf_counter()
            answer = access_search(agent, text, prefix=prefix, limit=10)
            timings.append(time.perf_counter() - began)
            found_any += not answer.empty
            for group in answer.groups:
                for hit in group.hits:
                    if not hit.url.startswith(f"/{hit.kind}/"):
                        problems.append(f"{name} « {text} » : résultat inattendu {hit.url}")
        results[name] = {**_percentiles(timings), "answered": found_any}
        print(f"  {connection.vendor} {name} : {results[name]}", flush=True)
        if name == "single_word" and found_any == 0:
            problems.append("aucun mot seul n'a rien trouvé")
    results["problems"] = problems
    return results


def _phrase(rng: random.Random, texts: list[list[str]]) -> tuple[str, bool]:
    words = rng.choice(texts)
    start = rng.randrange(max(1, len(words) - 1))
    return '"' + " ".join(words[start : start + 2]) + '"', False


def _prefix(rng: random.Random) -> str:
    word = rng.choice([w for w in WORDS if len(w) >= 4])
    return word[: rng.randint(3, min(6, len(word)))]


# --- The driver ---------------------------------------------------------------------------------


def _run_engine(label: str, env: dict[str, str], sizes: Sizes) -> dict[str, Any]:
    print(f"… {label} : migration", flush=True)
    beffroi("migrate", "search", "--verbosity", "0", env=env)
    run = subprocess.run(
        [sys.executable, __file__, "--worker", json.dumps(dataclasses.asdict(sizes))],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=REPOSITORY,
    )
    sys.stdout.write(
        "".join(line + "\n" for line in run.stdout.splitlines() if line.startswith("  "))
    )
    if run.returncode != 0:
        raise SystemExit(f"le travailleur {label} a échoué :\n{run.stderr[-4000:]}")
    last = [line for line in run.stdout.splitlines() if line.startswith("RESULT ")][-1]
    return dict(json.loads(last[len("RESULT ") :]))


def _throwaway_database(admin_url: str) -> tuple[str, Any]:
    import psycopg

    name = f"beffroi_bench_search_{os.getpid()}"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(admin_url)

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


ROWS = [
    ("indexation (documents/s)", "indexing", "documents_s"),
    ("mot seul p50 (ms)", "single_word", "p50_ms"),
    ("mot seul p95 (ms)", "single_word", "p95_ms"),
    ("expression p50 (ms)", "phrase", "p50_ms"),
    ("expression p95 (ms)", "phrase", "p95_ms"),
    ("préfixe p50 (ms)", "prefix", "p50_ms"),
    ("préfixe p95 (ms)", "prefix", "p95_ms"),
]


def _table(figures: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for label, group, key in ROWS:
        sqlite = figures.get("sqlite", {}).get(group, {}).get(key)
        postgresql = figures.get("postgresql", {}).get(group, {}).get(key)
        rows.append(
            {
                "mesure": label,
                "sqlite": sqlite,
                "postgresql": postgresql,
                "ratio_pg_sqlite": ratio(postgresql, sqlite) if sqlite and postgresql else None,
            }
        )
    print(f"\n{'mesure':<28} {'SQLite':>10} {'PostgreSQL':>12} {'PG/SQLite':>10}")
    for row in rows:
        cells = [
            "—" if row[key] is None else str(row[key])
            for key in ("sqlite", "postgresql", "ratio_pg_sqlite")
        ]
        print(f"{row['mesure']:<28} {cells[0]:>10} {cells[1]:>12} {cells[2]:>10}")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="petites tailles (test de la suite)")
    parser.add_argument("--documents", type=int, help=f"documents indexés ({FULL.documents})")
    parser.add_argument("--queries", type=int, help=f"requêtes par type ({FULL.queries})")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/postgres",
        help="serveur PostgreSQL où créer (puis supprimer) une base jetable",
    )
    parser.add_argument(
        "--database-url", help="base PostgreSQL à utiliser (vidée d'abord) au lieu d'une jetable"
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite seulement")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        result = worker(Sizes(**json.loads(options.worker)))
        print("RESULT " + json.dumps(result))
        return 0
    sizes = QUICK if options.quick else FULL
    changes = {"documents": options.documents, "queries": options.queries}
    sizes = dataclasses.replace(sizes, **{k: v for k, v in changes.items() if v})
    # Quick runs (the suite's) use PostgreSQL only when given one: CI's SQLite run has none.
    use_postgres = not options.no_postgres and (options.database_url or not options.quick)

    load_before = os.getloadavg()[0]
    figures: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    scratch = Path(tempfile.mkdtemp(prefix="beffroi-bench-search-"))
    try:
        figures["sqlite"] = _run_engine("sqlite", instance_env(scratch / "sqlite"), sizes)
        if use_postgres:
            drop = None
            if options.database_url:
                empty_database(options.database_url)
                url = options.database_url
            else:
                url, drop = _throwaway_database(options.postgres_url)
            try:
                env = instance_env(scratch / "postgresql", database_url=url)
                figures["postgresql"] = _run_engine(database_label(url), env, sizes)
            finally:
                if drop is not None:
                    drop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for engine, found in figures.items():
        problems.extend(f"{engine} : {problem}" for problem in found.pop("problems", []))
    rows = _table(figures)
    for problem in problems:
        print(f"ERREUR : {problem}")
    path = write_results(
        "search-quick" if options.quick else "search",
        {
            "sizes": dataclasses.asdict(sizes),
            "rows": rows,
            "figures": figures,
            "problems": problems,
        },
        load_before=load_before,
    )
    print(f"résultats : {path.relative_to(REPOSITORY)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
