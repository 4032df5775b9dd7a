"""Ville-Exemple's shared address books: « Prestataires » for the technical services and
« Élus » for the elected officials, each with a few cards (``beffroi demo seed``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from beffroi.contacts.actions import do_create_address_book, do_import_cards, do_share_address_book
from beffroi.contacts.models import ShareRole
from beffroi.directory.demo import DemoCommune

SUPPLIERS = [
    ("Moreau BTP", "Paul Moreau", "Conducteur de travaux", "paul.moreau@moreau-btp.example",
     "+33 3 20 00 10 01"),
    ("Lambert & associés", "Hélène Lambert", "Architecte", "h.lambert@lambert-architectes.example",
     "+33 3 20 00 10 02"),
    ("Éclairage Public du Nord", "Samir Haddad", "Chargé d'affaires",
     "s.haddad@epn.example", "+33 3 20 00 10 03"),
    ("Jardins & Paysages", "Odile Marchand", "Gérante", "contact@jardins-paysages.example",
     "+33 3 20 00 10 04"),
]  # fmt: skip
ELECTED_CONTACTS = [
    ("Préfecture du Nord", "Cabinet du préfet", "Secrétariat", "cabinet@prefecture.example",
     "+33 3 20 00 20 01"),
    ("Conseil départemental", "Bruno Lefèvre", "Conseiller départemental du canton",
     "b.lefevre@departement.example", "+33 3 20 00 20 02"),
    ("Communauté d'agglomération", "Valérie Perrin", "Vice-présidente aux mobilités",
     "v.perrin@agglo.example", "+33 3 20 00 20 03"),
]  # fmt: skip


def _vcf(rows: list[tuple[str, str, str, str, str]], prefix: str) -> str:
    cards = []
    for rank, (organisation, name, title, email, phone) in enumerate(rows, start=1):
        cards.append(
            "\r\n".join(
                [
                    "BEGIN:VCARD",
                    "VERSION:3.0",
                    f"UID:demo-{prefix}-{rank}",
                    f"FN:{name}",
                    f"ORG:{organisation}",
                    f"TITLE:{title}",
                    f"EMAIL;TYPE=INTERNET,WORK:{email}",
                    f"TEL;TYPE=WORK,VOICE:{phone}",
                    "END:VCARD",
                    "",
                ]
            )
        )
    return "".join(cards)


def seed_address_books(commune: DemoCommune) -> None:
    owner = commune.agents.get("michel.garnier", commune.administrator)
    suppliers = do_create_address_book(
        owner,
        slug="prestataires",
        name=_("Prestataires"),
        description=_("Entreprises et prestataires des services techniques."),
    )
    do_import_cards(owner, suppliers, _vcf(SUPPLIERS, "prestataire"))
    techniques = commune.departments.get("TECHNIQUES")
    if techniques is not None:
        do_share_address_book(owner, suppliers, techniques, ShareRole.EDITOR)
    dgs = commune.departments.get("DGS")
    if dgs is not None:
        do_share_address_book(owner, suppliers, dgs, ShareRole.READER)

    mayor = commune.agents.get("claire.dubois", commune.administrator)
    elected = do_create_address_book(
        mayor,
        slug="elus",
        name=_("Élus"),
        description=_("Partenaires institutionnels des élus."),
    )
    do_import_cards(mayor, elected, _vcf(ELECTED_CONTACTS, "elus"))
    group = commune.groups.get("Élus")
    if group is not None:
        do_share_address_book(mayor, elected, group, ShareRole.EDITOR)
    cabinet = commune.departments.get("CABINET")
    if cabinet is not None:
        do_share_address_book(mayor, elected, cabinet, ShareRole.MANAGER)
    commune.say(
        _("Carnets d'adresses partagés : « %(a)s » et « %(b)s ».")
        % {"a": suppliers.name, "b": elected.name}
    )
