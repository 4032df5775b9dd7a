"""Starting structures for a new workspace: its folders, first wiki pages and task columns."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class StartingPage:
    title: str | Promise
    body: str | Promise


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: str | Promise
    description: str | Promise
    folders: tuple[str | Promise, ...] = ()
    pages: tuple[StartingPage, ...] = ()
    columns: tuple[str | Promise, ...] = field(default=(_("À faire"), _("En cours"), _("Terminé")))


_HOME = StartingPage(
    _("Accueil"),
    _(
        "# Bienvenue\n\nDécrivez ici l'objet de cet espace, ses échéances et qui fait quoi.\n\n"
        "- [ ] Inviter les services concernés\n- [ ] Déposer les premiers documents\n"
    ),
)

BLUEPRINTS: dict[str, Blueprint] = {
    blueprint.code: blueprint
    for blueprint in (
        Blueprint(
            "vierge",
            _("Espace vide"),
            _("Une page d'accueil et un tableau de tâches simple."),
            pages=(_HOME,),
        ),
        Blueprint(
            "projet-travaux",
            _("Projet de travaux"),
            _("Plans, devis et comptes rendus de chantier, planning et suivi des tâches."),
            folders=(_("Plans"), _("Devis"), _("Comptes rendus")),
            pages=(
                StartingPage(
                    _("Accueil"),
                    _(
                        "# Projet de travaux\n\n**Objet :** \n\n**Maître d'œuvre :** \n\n"
                        "**Budget voté :** \n\n## Étapes\n\n"
                        "- [ ] Études et plans\n- [ ] Consultation des entreprises\n"
                        "- [ ] Attribution du marché\n- [ ] Chantier\n- [ ] Réception des travaux\n"
                    ),
                ),
                StartingPage(
                    _("Planning des travaux"),
                    _(
                        "| Lot | Entreprise | Début | Fin |\n| --- | --- | --- | --- |\n"
                        "| Gros œuvre |  |  |  |\n| Électricité |  |  |  |\n"
                    ),
                ),
                StartingPage(
                    _("Réunions de chantier"),
                    _("Les comptes rendus de réunion de chantier sont les pages sous celle-ci.\n"),
                ),
            ),
            columns=(_("À faire"), _("En cours"), _("En attente de validation"), _("Terminé")),
        ),
        Blueprint(
            "cellule-crise",
            _("Cellule de crise"),
            _(
                "Main courante, annuaire de crise et actions à mener, pour le plan communal de "
                "sauvegarde."
            ),
            folders=(_("Arrêtés"), _("Cartes"), _("Communiqués")),
            pages=(
                StartingPage(
                    _("Main courante"),
                    _("| Heure | Événement | Décision | Qui |\n| --- | --- | --- | --- |\n"),
                ),
                StartingPage(
                    _("Annuaire de crise"), _("## Contacts d'urgence\n\n- Préfecture : \n")
                ),
            ),
            columns=(_("Signalé"), _("En cours"), _("Traité")),
        ),
        Blueprint(
            "evenement",
            _("Organisation d'un événement"),
            _("Programme, logistique, partenaires et communication d'une manifestation."),
            folders=(_("Affiches"), _("Conventions"), _("Photos")),
            pages=(
                _HOME,
                StartingPage(
                    _("Programme"),
                    _("## Programme\n\n| Heure | Animation | Lieu |\n| --- | --- | --- |\n"),
                ),
            ),
            columns=(_("Idées"), _("À faire"), _("En cours"), _("Terminé")),
        ),
    )
}

DEFAULT = "vierge"


def choices() -> list[tuple[str, str]]:
    return [(code, str(blueprint.name)) for code, blueprint in BLUEPRINTS.items()]
