"""Wiki pages through their actions: versions, concurrent saves that lose nothing, links both
ways, moves that cannot loop, mentions, limits."""

from __future__ import annotations

import pytest

from beffroi.core.errors import InvalidInput, NotFound
from beffroi.notifications.models import Notification
from beffroi.wiki import access
from beffroi.wiki.actions import (
    MAX_BODY,
    EditConflict,
    TitleTaken,
    do_create_page,
    do_move_page,
    do_restore_version,
    do_save_page,
    do_trash_page,
)
from beffroi.wiki.models import Page
from beffroi.workspaces.models import Activity

pytestmark = pytest.mark.django_db

BASE = (
    "# Compte rendu\n\nPrésents : Karim, Sophie.\n\n## Toiture\n\nDevis attendu.\n\n"
    "## Budget\n\nÀ voir.\n"
)


@pytest.fixture
def compte_rendu(chantier, agent_voirie) -> Page:
    return do_create_page(agent_voirie, chantier, "Réunion du 3 décembre", BASE)


def test_two_saves_from_the_same_version_keep_both_texts(
    compte_rendu, agent_voirie, agent_finances
):
    """Karim changes the roof paragraph, Sophie the budget one, both from version 1."""
    mine = BASE.replace("Devis attendu.", "Devis Durand reçu : 42 000 €.")
    theirs = BASE.replace("À voir.", "Inscrit au budget primitif 2027.")
    first = do_save_page(
        agent_voirie, compte_rendu, title=compte_rendu.title, body=mine, base_version=1
    )
    assert not first.merged
    second = do_save_page(
        agent_finances, compte_rendu, title=compte_rendu.title, body=theirs, base_version=1
    )
    assert second.merged
    page = Page.objects.get(pk=compte_rendu.pk)
    assert "42 000 €" in page.body
    assert "budget primitif 2027" in page.body
    assert page.version == 3
    assert [v.number for v in page.versions.all()] == [3, 2, 1]


def test_two_saves_of_the_same_lines_give_the_second_a_merge_view(
    compte_rendu, agent_voirie, agent_finances
):
    """Both change the same line: the second gets both texts between markers, nothing saved."""
    do_save_page(
        agent_voirie,
        compte_rendu,
        title=compte_rendu.title,
        body=BASE.replace("Devis attendu.", "Devis A."),
        base_version=1,
    )
    with pytest.raises(EditConflict) as conflict:
        do_save_page(
            agent_finances,
            compte_rendu,
            title=compte_rendu.title,
            body=BASE.replace("Devis attendu.", "Devis B."),
            base_version=1,
        )
    assert "Devis A." in conflict.value.merged_text
    assert "Devis B." in conflict.value.merged_text
    assert conflict.value.page.version == 2
    assert Page.objects.get(pk=compte_rendu.pk).body.count("Devis A.") == 1
    # Saving the settled text from the version the merge view gave works.
    settled = conflict.value.merged_text
    saved = do_save_page(
        agent_finances, compte_rendu, title=compte_rendu.title, body=settled, base_version=2
    )
    assert "Devis B." in saved.page.body
    assert saved.page.version == 3


def test_every_version_is_kept_and_an_old_one_restored(compte_rendu, agent_voirie):
    do_save_page(
        agent_voirie, compte_rendu, title="Réunion du 3 décembre", body="Vide.", base_version=1
    )
    restored = do_restore_version(agent_voirie, Page.objects.get(pk=compte_rendu.pk), 1)
    assert restored.body == BASE
    assert restored.version == 3


def test_links_by_title_give_backlinks(chantier, agent_voirie, compte_rendu):
    planning = Page.objects.get(workspace=chantier, title="Planning des travaux")
    do_save_page(
        agent_voirie,
        compte_rendu,
        title=compte_rendu.title,
        body=BASE + "\nVoir [[planning des travaux]].\n",
        base_version=1,
    )
    assert access.access_backlinks(agent_voirie, planning) == [compte_rendu]


def test_a_page_cannot_move_under_itself_or_its_subpages(chantier, agent_voirie, compte_rendu):
    child = do_create_page(agent_voirie, chantier, "Annexe", parent=compte_rendu)
    grandchild = do_create_page(agent_voirie, chantier, "Annexe 2", parent=child)
    for target in (compte_rendu, child, grandchild):
        with pytest.raises(InvalidInput):
            do_move_page(agent_voirie, compte_rendu, target)
    assert Page.objects.get(pk=compte_rendu.pk).parent is None


def test_a_mention_tells_the_member_once(chantier, compte_rendu, agent_voirie, agent_finances):
    do_save_page(
        agent_voirie,
        compte_rendu,
        title=compte_rendu.title,
        body=BASE + "\n@agent.finances peux-tu vérifier ?\n",
        base_version=1,
    )
    do_save_page(
        agent_voirie,
        compte_rendu,
        title=compte_rendu.title,
        body=BASE + "\n@agent.finances peux-tu vérifier ? Merci.\n",
        base_version=2,
    )
    mentions = Notification.objects.filter(agent=agent_finances, kind="mention")
    assert mentions.count() == 1
    assert "Réunion du 3 décembre" in mentions.get().text


def test_a_mention_of_someone_outside_tells_them_nothing(chantier, compte_rendu, agent_voirie, elu):
    do_save_page(
        agent_voirie, compte_rendu, title=compte_rendu.title, body="@elu regarde", base_version=1
    )
    assert not Notification.objects.filter(agent=elu).exists()


def test_limits_and_bad_titles_are_refused_clearly(chantier, agent_voirie):
    with pytest.raises(InvalidInput) as too_long:
        do_create_page(agent_voirie, chantier, "Énorme", "x" * (MAX_BODY + 1))
    assert "découpez-la" in str(too_long.value.fields["body"][0])
    for title in ("", "   ", "a[[b", "a|b", "x" * 201, "nul\x00"):
        with pytest.raises(InvalidInput):
            do_create_page(agent_voirie, chantier, title)
    with pytest.raises(TitleTaken):
        do_create_page(agent_voirie, chantier, "ACCUEIL")


def test_readers_and_outsiders_do_not_write(chantier, compte_rendu, invite_externe, elu):
    from beffroi.core.errors import NotAllowed

    with pytest.raises(NotAllowed):
        do_save_page(invite_externe, compte_rendu, title="x", body="x", base_version=1)
    with pytest.raises(NotFound):
        do_save_page(elu, compte_rendu, title="x", body="x", base_version=1)
    with pytest.raises(NotFound):
        access.access_page(elu, chantier, compte_rendu.pk)


def test_deleting_a_page_takes_its_subpages_and_leaves_a_trace(
    chantier, agent_voirie, compte_rendu
):
    child = do_create_page(agent_voirie, chantier, "Annexe", parent=compte_rendu)
    do_trash_page(agent_voirie, compte_rendu)
    assert not Page.objects.filter(pk__in=[compte_rendu.pk, child.pk], trashed_at=None).exists()
    assert Activity.objects.filter(workspace=chantier, verb="page_deleted").exists()
    # Its title is free again.
    do_create_page(agent_voirie, chantier, "Réunion du 3 décembre")
