"""gunicorn settings of the CityCanvas web workers (``gunicorn --config gunicorn.conf.py APP``).

The app to serve is named only on the command line, in deploy/citycanvas-web.service. Every
value an installation changes comes from the environment file (deploy/citycanvas.env.example), so
this file is copied as it is: ``CITYCANVAS_BIND`` and ``CITYCANVAS_WEB_WORKERS``.
"""

import os

bind = [
    address.strip() for address in os.environ.get("CITYCANVAS_BIND", "127.0.0.1:8050").split(",") if address.strip()
]
"""Where nginx reaches the workers; keep it on loopback (or a private address) behind the proxy."""

workers = max(2, int(os.environ.get("CITYCANVAS_WEB_WORKERS", "2")))
"""Stateless sync workers (configurations live in the database): two at least, so one busy or
restarting worker never stops the service; about one per core on a dedicated host."""

worker_class = "sync"
timeout = 60
"""A request that runs longer is a stuck worker: long jobs go to the Celery worker, not here."""
graceful_timeout = 30
"""On stop or reload, requests in flight get this long to finish."""
keepalive = 5
"""Idle keep-alive connections from nginx are closed after this many seconds."""

max_requests = 2000
max_requests_jitter = 200
"""Each worker is replaced after about this many requests (a slow leak never grows for months),
not all at once."""

worker_tmp_dir = "/dev/shm"
"""Worker heartbeat files in memory: a busy or read-only disk never makes the master kill workers."""

control_socket_disable = True
"""gunicorn 27's control socket (``~/.gunicorn/``) is not used; without this, a second gunicorn
of the same user silently takes it over (the same as ``--no-control-socket``)."""

forwarded_allow_ips = "127.0.0.1,::1"
"""Only the local proxy's X-Forwarded-* headers are believed (the app's own ``CITYCANVAS_BEHIND_PROXY``
is the other half)."""

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CITYCANVAS_LOG_LEVEL", "info")
"""Logs on standard output and error: under systemd they go to the journal (``journalctl -u citycanvas-web``)."""

proc_name = "citycanvas-web"
