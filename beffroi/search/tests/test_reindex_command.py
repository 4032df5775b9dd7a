"""``beffroi search reindex``: the index rebuilt from what each capability holds."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from beffroi.search.models import Entry
from beffroi.search.tests.sources import KIND, page


def _reindex(*args: str) -> str:
    out = StringIO()
    call_command("search", "reindex", *args, stdout=out)
    return out.getvalue()


def test_reindex_writes_every_document_and_removes_the_stale(essais, agent_voirie):
    """Documents the source gives are written; an entry it no longer gives goes."""
    essais.documents = [page("1", "Budget"), page("2", "Voirie")]
    Entry.objects.create(
        kind=KIND,
        object_id="disparu",
        scope="org",
        title="x",
        url="/",
        updated_at=page("x", "").updated_at,
    )

    output = _reindex("--kind", KIND)

    assert "essai : 2 élément(s) indexé(s), 1 retiré(s)." in output
    assert sorted(Entry.objects.filter(kind=KIND).values_list("object_id", flat=True)) == [
        "1",
        "2",
    ]


def test_reindex_of_every_kind_counts_them_all(essais, agent_voirie, agent_finances):
    """Without --kind: every registered source, and a total."""
    essais.documents = [page("1", "Budget")]

    output = _reindex()

    assert "agent : 2 élément(s) indexé(s)" in output
    assert "essai : 1 élément(s) indexé(s)" in output
    assert "Index reconstruit" in output


def test_entries_of_a_kind_nobody_registers_are_forgotten(essais):
    """An entry of a kind no source registers any more is removed by a full reindex."""
    Entry.objects.create(
        kind="ancien",
        object_id="1",
        scope="org",
        title="x",
        url="/",
        updated_at=page("x", "").updated_at,
    )

    output = _reindex()

    assert "1 entrée(s) d'un type disparu retirée(s)." in output
    assert not Entry.objects.filter(kind="ancien").exists()


def test_an_unknown_kind_is_refused_in_french(essais):
    """``--kind bateau``: an error naming the choices."""
    with pytest.raises(CommandError, match="choix invalide"):
        _reindex("--kind", "bateau")
