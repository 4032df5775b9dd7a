"""Pruning keeps the chain verifiable: a signed checkpoint stands for what was removed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from beffroi.audit.actions import record
from beffroi.audit.chain import sign_checkpoint
from beffroi.audit.models import AuditCheckpoint, AuditEvent
from beffroi.audit.tasks import prune_audit_trail, schedule_daily_prune
from beffroi.audit.tests.factories import event_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(agent_voirie):
    """Three events from 500 days ago, then two of today."""
    long_ago = timezone.now() - timedelta(days=500)
    old = [event_at(long_ago + timedelta(minutes=i), actor=agent_voirie) for i in range(3)]
    recent = [
        record("directory.sign_in", actor=agent_voirie, target=agent_voirie),
        record("directory.api_token_created", actor=agent_voirie, details={"label": "script"}),
    ]
    return old, recent


def _verify(capsys) -> str:
    call_command("audit", "verify")
    return capsys.readouterr().out


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_pruning_removes_old_events_and_the_chain_still_verifies(trail, capsys):
    """`audit prune` removes what is older than the retention; `audit verify` still passes."""
    old, recent = trail
    call_command("audit", "prune")
    assert "3 événement(s) de plus de 400 jour(s) élagué(s)" in capsys.readouterr().out
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in recent]).count() == 2
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.last_event_id, checkpoint.last_hash) == (old[-1].id, old[-1].hash)
    assert checkpoint.pruned_count == 3
    assert AuditEvent.objects.filter(action="audit.pruned").exists()
    out = _verify(capsys)
    assert "Chaîne d'audit intacte : 3 événement(s) vérifié(s)" in out
    assert f"depuis le point de contrôle n° {checkpoint.id}" in out


def test_a_second_prune_builds_on_the_first(agent_voirie, capsys):
    """Two prunes a while apart leave two checkpoints; the chain verifies from the newer one."""
    now = timezone.now()
    event_at(now - timedelta(days=600), actor=agent_voirie)
    event_at(now - timedelta(days=450), actor=agent_voirie)
    call_command("audit", "prune", "--days", "500")
    event_at(now - timedelta(days=1), actor=agent_voirie)
    call_command("audit", "prune", "--days", "400")
    assert AuditCheckpoint.objects.count() == 2
    assert "Chaîne d'audit intacte" in _verify(capsys)


def test_nothing_old_enough_prunes_nothing(agent_voirie, capsys):
    """With no event older than the retention, no checkpoint is written."""
    record("directory.sign_in", actor=agent_voirie)
    call_command("audit", "prune")
    assert "rien n'est élagué" in capsys.readouterr().out
    assert not AuditCheckpoint.objects.exists()
    assert AuditEvent.objects.count() == 1


def test_a_retention_of_zero_keeps_everything(trail, settings, capsys):
    """BEFFROI_AUDIT_RETENTION_DAYS=0 keeps every event."""
    settings.AUDIT_RETENTION_DAYS = 0
    call_command("audit", "prune")
    assert "Conservation illimitée" in capsys.readouterr().out
    assert AuditEvent.objects.count() == 5


def test_an_edited_checkpoint_breaks_verify_naming_it(trail):
    """Changing the checkpoint's hash in the database no longer matches its signature."""
    call_command("audit", "prune")
    checkpoint = AuditCheckpoint.objects.get()
    _sql(
        f"UPDATE {AuditCheckpoint._meta.db_table} SET pruned_count = %s WHERE id = %s",  # noqa: S608
        [1, checkpoint.id],
    )
    with pytest.raises(
        CommandError,
        match=rf"Point de contrôle d'audit n° {checkpoint.id} invalide : sa signature",
    ):
        call_command("audit", "verify")


def test_a_forged_checkpoint_breaks_verify(trail, settings):
    """Someone who deletes events and writes a checkpoint without the secret key is caught."""
    _old, recent = trail
    forged = AuditCheckpoint(
        last_event_id=recent[0].id,
        last_hash=recent[0].hash,
        pruned_count=4,
        pruned_before=timezone.now(),
    )
    forged.signature = sign_checkpoint(forged, secret="pas-la-bonne-cle-" * 4)
    forged.save()
    AuditEvent.objects.filter(id__lte=recent[0].id).delete()
    with pytest.raises(CommandError, match=rf"Point de contrôle d'audit n° {forged.id} invalide"):
        call_command("audit", "verify")


def test_a_deleted_checkpoint_breaks_the_first_kept_link(trail):
    """Without its checkpoint, the first kept event links to nothing a verifier trusts."""
    _old, recent = trail
    call_command("audit", "prune")
    AuditCheckpoint.objects.all().delete()
    with pytest.raises(CommandError, match=rf"l'événement n° {recent[0].id} : le lien"):
        call_command("audit", "verify")


def test_an_edited_kept_row_is_still_named_after_a_prune(trail):
    """Editing an event kept after the checkpoint is caught and named, as before any prune."""
    _old, recent = trail
    call_command("audit", "prune")
    _sql(
        f"UPDATE {AuditEvent._meta.db_table} SET address = %s WHERE id = %s",  # noqa: S608
        ["203.0.113.9", recent[1].id],
    )
    with pytest.raises(CommandError, match=rf"l'événement n° {recent[1].id} : le contenu"):
        call_command("audit", "verify")


def test_a_broken_chain_is_never_pruned(trail):
    """Pruning over an edited old row would erase the proof: it refuses and removes nothing."""
    old, _recent = trail
    _sql(
        f"UPDATE {AuditEvent._meta.db_table} SET address = %s WHERE id = %s",  # noqa: S608
        ["203.0.113.9", old[1].id],
    )
    with pytest.raises(CommandError, match=rf"rompue à l'événement n° {old[1].id}"):
        call_command("audit", "prune")
    assert AuditEvent.objects.count() == 5
    assert not AuditCheckpoint.objects.exists()


def test_checkpoints_survive_a_change_of_secret_key(trail, settings, capsys):
    """After the secret key is replaced, the old one in SECRET_KEY_FALLBACKS still vouches."""
    call_command("audit", "prune")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "une-nouvelle-cle-secrete-" * 3
    assert "Chaîne d'audit intacte" in _verify(capsys)
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(CommandError, match="invalide"):
        call_command("audit", "verify")


def _waiting_prunes():
    return DBTaskResult.objects.filter(
        task_path=prune_audit_trail.module_path, status=TaskResultStatus.READY
    )


def test_the_daily_prune_is_queued_once(db):
    """`beffroi serve` asks at every start; only one prune ever waits in the queue."""
    assert schedule_daily_prune() is True
    assert schedule_daily_prune() is False
    assert _waiting_prunes().count() == 1


def test_nothing_is_queued_when_events_are_kept_forever(settings):
    """With an unlimited retention no prune is ever queued."""
    settings.AUDIT_RETENTION_DAYS = 0
    assert schedule_daily_prune() is False
    assert not _waiting_prunes().exists()


def test_the_daily_prune_prunes_and_comes_back_tomorrow(trail):
    """One run prunes what is too old and queues the next run a day later."""
    before = timezone.now()
    assert prune_audit_trail.call() == 3
    waiting = _waiting_prunes().get()
    assert waiting.run_after >= before + timedelta(hours=23, minutes=59)
    assert AuditCheckpoint.objects.count() == 1


def test_a_daily_prune_over_a_broken_chain_prunes_nothing_and_still_comes_back(trail):
    """Over a broken chain the daily prune removes nothing and is queued again for tomorrow."""
    old, _recent = trail
    _sql(
        f"UPDATE {AuditEvent._meta.db_table} SET address = %s WHERE id = %s",  # noqa: S608
        ["203.0.113.9", old[0].id],
    )
    assert prune_audit_trail.call() == 0
    assert AuditEvent.objects.count() == 5
    assert _waiting_prunes().count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_runs_the_queued_prune(agent_voirie):
    """The database worker `beffroi serve` embeds picks the prune up, runs it, and leaves the
    next one waiting for tomorrow."""
    from django_tasks_db.management.commands.db_worker import Worker

    event_at(timezone.now() - timedelta(days=500), actor=agent_voirie)
    record("directory.sign_in", actor=agent_voirie)
    schedule_daily_prune()
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="essai",
        excluded_queue_names=[],
    ).run()
    done = DBTaskResult.objects.get(
        task_path=prune_audit_trail.module_path, status=TaskResultStatus.SUCCESSFUL
    )
    assert done.return_value == 1
    assert _waiting_prunes().get().run_after > timezone.now() + timedelta(hours=23)
    assert AuditCheckpoint.objects.count() == 1
