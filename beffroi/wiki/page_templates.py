"""Page templates offered when a page is created."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PageTemplate:
    code: str
    name: str | Promise
    body: str | Promise


PAGE_TEMPLATES: dict[str, PageTemplate] = {
    template.code: template
    for template in (
        PageTemplate("vide", _("Page vide"), ""),
        PageTemplate(
            "compte-rendu",
            _("Compte rendu de réunion"),
            _(
                "**Date :** \n\n**Présents :** \n\n**Excusés :** \n\n## Ordre du jour\n\n1. \n\n"
                "## Décisions\n\n- \n\n## Actions\n\n- [ ] @qui : quoi, pour quand\n\n"
                "## Prochaine réunion\n\n"
            ),
        ),
        PageTemplate(
            "note-au-maire",
            _("Note au maire"),
            _(
                "**Objet :** \n\n**Service :** \n\n**Date :** \n\n## Contexte\n\n## Analyse\n\n"
                "## Proposition\n\n## Incidence budgétaire\n\n## Décision du maire\n\n"
                "- [ ] Accord\n- [ ] Refus\n- [ ] À revoir\n"
            ),
        ),
    )
}
