"""The task worker that runs inside ``beffroi serve`` (embedded mode), in a thread of its own."""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Worker

logger = logging.getLogger(__name__)


class EmbeddedWorker:
    """Runs queued tasks until ``stop()``; a task in progress is allowed to finish."""

    def __init__(self) -> None:
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}"
        self.worker = Worker(
            queue_names=["*"],
            interval=settings.TASK_WORKER_INTERVAL,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.thread = threading.Thread(target=self._run, name="beffroi-tasks", daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run()
        except Exception:
            logger.exception("task worker stopped on an error")
        finally:
            connections.close_all()

    def start(self) -> EmbeddedWorker:
        self.thread.start()
        return self

    def stop(self, timeout: float) -> bool:
        """Ask the worker to stop; True if it did within ``timeout`` seconds."""
        self.worker.running = False
        self.thread.join(timeout)
        return not self.thread.is_alive()
