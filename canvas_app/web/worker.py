"""The Celery worker of the background jobs (recommendations over the library for large configurations).

Run it beside the web workers, with the same settings::

    REDIS_URL=redis://127.0.0.1:6379/0 DATABASE_URL=postgresql+psycopg://... celery -A canvas_app.web.worker worker

It builds the same Dash app as the web workers, so the background callbacks register the same
Celery tasks, and reads configurations from the same database.
"""

from canvas_app.web.app import create_app
from canvas_app.web.background import celery_app
from canvas_app.web.settings import Settings

settings = Settings.from_env()
dash_app = create_app(settings)
app = celery_app(settings)
