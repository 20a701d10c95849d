"""What gunicorn reads from the working directory (``make run``, deploy/consulta.service)."""

import gc

# The app is loaded once, before the workers are forked: they share its memory, and its
# objects are frozen out of the garbage collector's reach (``pre_fork``), so that a full
# collection walks only what a request made (docs/benchmarks.md, "Garbage collection").
preload_app = True
#: Young objects collected after this many allocations (Python's default is 700): a page
#: builds tens of thousands of short-lived objects, and each collection walks them all.
GC_THRESHOLD = (10_000, 20, 10)


def when_ready(server):
    """Templates, catalogs and locale data loaded once, shared by every worker."""
    from app.web import warm_up

    warm_up(server.app.wsgi())


def pre_fork(server, worker):
    gc.freeze()


def post_fork(server, worker):
    """A worker opens its own database connections (none made before the fork is reused)."""
    gc.set_threshold(*GC_THRESHOLD)
    app = server.app.wsgi()
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose(close=False)


def post_worker_init(worker):
    """Each worker sends the outbox from its start, not only after its first request."""
    sender = getattr(worker.wsgi, "extensions", {}).get("outbox")
    if sender is not None:
        sender.start()
