"""``beffroi serve``: every protocol this node offers, in one asyncio process."""

from __future__ import annotations

import signal
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.utils.module_loading import import_string

from beffroi.core.commands import BeffroiCommand
from beffroi.core.worker import EmbeddedWorker

ROLES = ("all", "web", "worker")


class Command(BeffroiCommand):
    help = (
        "Servir Beffroi sur ce nœud : interface web, API, temps réel, et le traitement des "
        "tâches de fond. Applique d'abord les migrations en attente. Ctrl-C ou SIGTERM "
        "l'arrête proprement."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)"
        )
        parser.add_argument("--port", type=int, default=8000, help="port HTTP (défaut : 8000)")
        parser.add_argument(
            "--role",
            choices=ROLES,
            default="all",
            help="all : tout ; web : HTTP seulement ; worker : tâches seulement",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="ne pas appliquer les migrations au démarrage"
        )
        parser.add_argument(
            "--smtp-port",
            type=int,
            nargs="?",
            const=2525,
            default=None,
            help="recevoir le courrier entrant en SMTP sur ce port (2525 si aucun n'est donné)",
        )
        parser.add_argument(
            "--submission-port",
            type=int,
            nargs="?",
            const=2587,
            default=None,
            help="accepter l'envoi authentifié des logiciels de messagerie sur ce port "
            "(2587 si aucun n'est donné)",
        )
        parser.add_argument(
            "--submissions-port",
            type=int,
            nargs="?",
            const=2465,
            default=None,
            help="envoi authentifié en TLS implicite (port 465 en production ; 2465 si aucun "
            "n'est donné) ; demande le certificat des ports SMTP",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.check(include_deployment_checks=settings.PRODUCTION, fail_level=checks.ERROR)
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        role = options["role"]
        worker = EmbeddedWorker().start() if role in ("all", "worker") else None
        if worker is not None:
            # Apps that need recurring work (the audit trail's daily pruning) queue it here.
            for hook in settings.WORKER_START_HOOKS:
                import_string(hook)()
        # uvicorn handles SIGINT/SIGTERM during serving, then re-raises the signal it caught to
        # the handler installed before it: a no-op here, so a requested stop exits with 0.
        for stop_signal in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop_signal, lambda signum, frame: None)
        try:
            if role == "worker":
                self.stdout.write("Beffroi traite les tâches de fond (Ctrl-C pour arrêter).")
                signal.sigwait({signal.SIGINT, signal.SIGTERM})
            else:
                self._serve_http(options["host"], options["port"], options)
        finally:
            if worker is not None and not worker.stop(timeout=5):
                self.stderr.write("La tâche en cours n'a pas fini à temps ; elle sera reprise.")
        self.stdout.write("Beffroi est arrêté.")

    def _serve_http(self, host: str, port: int, options: dict[str, Any]) -> None:
        import asyncio

        import uvicorn
        from uvicorn._compat import asyncio_run

        from beffroi.conf.asgi import application

        config = uvicorn.Config(
            application,
            host=host,
            port=port,
            lifespan="on",
            log_config=None,
            access_log=False,
            server_header=False,
            proxy_headers=True,
            forwarded_allow_ips=settings.TRUSTED_PROXIES,
            timeout_graceful_shutdown=5,
        )
        server = uvicorn.Server(config)
        shown_host = f"[{host}]" if ":" in host else host

        async def serve() -> None:
            # Protocol listeners (SMTP…) run on the same event loop as HTTP, and stop with it.
            listeners: list[tuple[str, asyncio.AbstractServer]] = []
            try:
                for hook in settings.SERVE_LISTENER_HOOKS:
                    listeners += await import_string(hook)(host, options)
            except OSError as error:
                for _line, listener in listeners:
                    listener.close()
                raise CommandError(f"Impossible d'ouvrir un port : {error}") from error
            for line, _listener in listeners:
                self.stdout.write(line)
            self.stdout.write(
                f"Beffroi écoute sur http://{shown_host}:{port}/ (Ctrl-C pour arrêter)."
            )
            self.stdout.flush()
            try:
                await server.serve()
            finally:
                for _line, listener in listeners:
                    listener.close()

        asyncio_run(serve(), loop_factory=config.get_loop_factory())
