"""Work a request leaves for after its response, done by one thread of the app's process.

For work whose duration must not show in the response's time (whether an address has an
account) or that must not keep a person waiting. Jobs run one after another, each in its own
app context and database session; a job that fails is logged and the next one runs. A job
still queued when the process stops is lost: only work that the person can simply ask for
again belongs here.
"""

import logging
import os
import queue
import threading
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)


class Background:
    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._jobs: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        app.extensions["background"] = self

    def submit(self, job: Callable, *args) -> None:
        with self._lock:
            if self._pid != os.getpid():
                # A forked server worker: the parent's queue and thread are not ours.
                self._jobs, self._thread, self._pid = queue.Queue(), None, os.getpid()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="background", daemon=True)
                self._thread.start()
            self._jobs.put((job, args))

    def wait(self) -> None:
        """Until every job submitted so far is done."""
        self._jobs.join()

    def _work(self) -> None:
        while True:
            job, args = self._jobs.get()
            try:
                with self.app.app_context():
                    job(*args)
            except Exception:
                log.exception("Background job %s failed", getattr(job, "__name__", job))
            finally:
                self._jobs.task_done()


def after_response(job: Callable, *args) -> None:
    """Run ``job(*args)`` in the background thread, in an app context of its own."""
    current_app.extensions["background"].submit(job, *args)
