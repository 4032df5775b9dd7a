from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

from beffroi.search.access import MAX_LIMIT
from beffroi.search.query import MAX_QUERY_CHARS

Kind = Literal["file", "page", "task", "event", "contact", "agent"]


class SearchIn(Schema):
    q: str = Field(
        "",
        max_length=MAX_QUERY_CHARS,
        description="Les mots cherchés ; entre guillemets, une expression exacte. Les accents, "
        "la casse, les pluriels et les formes d'un même mot sont indifférents. Aucun "
        "opérateur n'est interprété (`*`, `NEAR`, `AND`, `-`, `:`…) : ce ne sont que des mots "
        "ou de la ponctuation.",
    )
    kind: list[Kind] | None = Field(
        None, description="Ne chercher que ces types (paramètre répétable)"
    )
    limit: int = Field(10, ge=1, le=MAX_LIMIT, description="Résultats au plus par type")
    prefix: bool = Field(
        False,
        description="Le dernier mot est en cours de frappe : il vaut pour tout mot qui "
        "commence ainsi (recherche au fil de la frappe)",
    )


class SearchHitOut(Schema):
    kind: str = Field(description="Type : file, page, task, event, contact, agent")
    object_id: str = Field(description="Identifiant de l'élément dans sa capacité")
    title: str
    title_html: str = Field(description="Le titre, échappé, mots trouvés entre `<mark>`")
    url: str = Field(description="Adresse de l'élément dans l'interface web")
    snippet: str = Field(
        description="Extrait HTML sûr : texte échappé, mots trouvés entre `<mark>`"
    )
    score: float = Field(description="Pertinence (plus grand : plus pertinent)")
    updated_at: datetime


class SearchGroupOut(Schema):
    kind: str = Field(description="Type : file, page, task, event, contact, agent")
    label: str = Field(description="Nom du type, au pluriel (« Fichiers »)")
    count: int = Field(
        description="Nombre d'éléments trouvés que l'appelant peut lire (plafonné : voir `more`)"
    )
    more: bool = Field(description="Vrai quand il y en a plus que `count` (compte plafonné)")
    count_label: str = Field(description="Le compte tel qu'affiché (« 1 000+ »)")
    hits: list[SearchHitOut]


class SearchOut(Schema):
    q: str
    groups: list[SearchGroupOut] = Field(description="Les types où quelque chose a été trouvé")
