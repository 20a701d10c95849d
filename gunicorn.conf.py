"""What gunicorn reads from the working directory (``make run``, deploy/consulta.service)."""


def post_worker_init(worker):
    """Each worker sends the outbox from its start, not only after its first request."""
    sender = getattr(worker.wsgi, "extensions", {}).get("outbox")
    if sender is not None:
        sender.start()
