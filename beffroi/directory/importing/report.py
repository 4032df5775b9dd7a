"""The import report in French, shared by the command and the console."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from beffroi.directory.importing.plan import ImportPlan


def count_lines(plan: ImportPlan) -> list[str]:
    """One line per kind of change, with its count; then the agents left unchanged. A plan
    with problems changes nothing: only the number of lines read is given."""
    counts = plan.counts()
    read = ngettext("%(n)s ligne lue", "%(n)s lignes lues", counts["rows"]) % {"n": counts["rows"]}
    if not plan.is_valid:
        return [read]
    lines = [
        read,
        _("services à créer : %(n)s") % {"n": counts["departments_created"]},
        _("agents à créer : %(n)s") % {"n": counts["agents_created"]},
        _("agents à mettre à jour : %(n)s") % {"n": counts["agents_updated"]},
        _("affectations de service : %(n)s") % {"n": counts["placements"]},
        _("responsables à définir : %(n)s") % {"n": counts["managers"]},
        _("groupes à créer : %(n)s") % {"n": counts["groups_created"]},
        _("groupes à modifier : %(n)s") % {"n": counts["groups_changed"]},
        _("agents à suspendre : %(n)s") % {"n": counts["agents_suspended"]},
        _("agents inchangés : %(n)s") % {"n": counts["unchanged"]},
    ]
    return lines


def conclusion(plan: ImportPlan, *, applied: bool) -> str:
    if not plan.is_valid:
        return ngettext(
            "%(n)s erreur : rien n'a été importé.",
            "%(n)s erreurs : rien n'a été importé.",
            len(plan.problems),
        ) % {"n": len(plan.problems)}
    if not plan.has_changes:
        return _("Aucun changement : l'annuaire est déjà à jour.")
    if applied:
        return _("Import terminé.")
    return _("Simulation : rien n'a été enregistré.")
