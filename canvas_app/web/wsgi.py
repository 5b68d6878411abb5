"""WSGI entry point for gunicorn: ``gunicorn -w 2 -b 127.0.0.1:8050 'canvas_app.web.wsgi:server'``.

Settings come from the environment (``DATABASE_URL``...); see canvas_app.web.settings.
"""

from canvas_app.web.app import create_app

app = create_app()
server = app.server
