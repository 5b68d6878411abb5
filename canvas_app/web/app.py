"""The Dash app factory (``create_app``) and the development server (``serve``).

The UI is a thin shell: page builders in ``layouts/``, callbacks in
``callbacks/`` (each module registers its callbacks explicitly), scores and
edits in ``canvas_app`` and persistence in ``storage``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dash_cytoscape as cyto
from dash import Dash, dcc, html

from callbacks import (
    advantages,
    auth,
    city_profiles,
    compare,
    editor,
    editor_edits,
    editor_panel,
    history,
    home,
    mechanisms,
    members,
    modules,
    needs,
    poster,
    presence,
    replicate,
    report,
    rounds,
    router,
    stress,
    weights,
)
from callbacks.jobs import install_job_guard
from canvas_app.model import MAX_FILE_BYTES
from canvas_app.web.auth import AuthConfigError
from canvas_app.web.background import JobSlots, MissingExtra, background_manager
from canvas_app.web.health import install_health
from canvas_app.web.logs import configure_logging, install_request_ids
from canvas_app.web.security import install_security
from canvas_app.web.services import Services
from canvas_app.web.settings import PACKAGE_DIR, Settings
from layouts.accessibility import site_footer
from layouts.ids import ID
from storage import Store

INDEX_STRING = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        <a class="visually-hidden-focusable" href="#page">Skip to content</a>
        {%app_entry%}
        <div class="dash-scripts">
            {%config%}
            {%scripts%}
            {%renderer%}
        </div>
    </body>
</html>"""


def create_app(settings: Settings | None = None, store: object | None = None) -> Dash:
    """Build the app. ``store`` (a ``storage.Store``) defaults to ``Store.open(settings.database_url)``."""

    settings = settings or Settings.from_env()
    configure_logging(settings)
    if store is None:
        store = Store.open(settings.database_url)
    services = Services(settings=settings, store=store)
    cyto.load_extra_layouts()  # fcose, the layout offered for value networks (the bundle is served from here too)

    app = Dash(
        __name__,
        assets_folder=str(PACKAGE_DIR / "assets"),
        external_stylesheets=[],
        external_scripts=[],
        serve_locally=True,
        suppress_callback_exceptions=True,
        title="CityCanvas",
        update_title=None,  # type: ignore[arg-type]  # None turns the "Updating..." title off; Dash's hint says str
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        background_callback_manager=background_manager(settings, store, key_owner=lambda: job_owner(services)),
    )
    install_request_ids(app.server)  # first: every later check and log line of a request knows its id
    app.index_string = INDEX_STRING
    # Uploads arrive base64-encoded (4/3 of the file) inside a JSON callback body.
    app.server.config["MAX_CONTENT_LENGTH"] = int(services.max_upload_bytes() * 1.4) + 64_000
    app.layout = html.Div([dcc.Location(id=ID.url, refresh="callback-nav"), html.Div(id=ID.page), site_footer()])
    app.canvas_services = services  # type: ignore[attr-defined]  # the services travel on the app (cli, benches)

    auth.register(app, services)  # first: sessions and sign-in before any page
    install_health(app, services)
    router.register(app, services)
    home.register(app, services)
    editor.register(app, services)
    editor_edits.register(app, services)
    editor_panel.register(app, services)
    compare.register(app, services)
    report.register(app, services)
    poster.register(app, services)
    history.register(app, services)
    members.register(app, services)
    presence.register(app, services)
    needs.register(app, services)
    mechanisms.register(app, services)
    stress.register(app, services)
    advantages.register(app, services)
    weights.register(app, services)
    modules.register(app, services)
    city_profiles.register(app, services)
    replicate.register(app, services)
    rounds.register(app, services)
    install_security(
        app, behind_proxy=settings.behind_proxy
    )  # first among the request checks: malformed bodies never reach the others
    install_job_guard(app, services, JobSlots(settings.jobs_per_user, settings.jobs_total, settings))
    return app


def job_owner(services: Services) -> str:
    """Who starts a background job, for its result key (see ``canvas_app.web.background``)."""
    user = services.current_user()
    return "" if user is None else f"{user.id}:{user.name}"


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.0/8, ::1, localhost).

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0"), is_loopback("10.1.2.3")
    (True, True, False, False)
    """
    import ipaddress

    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to a network address


def serve(
    host: str = "127.0.0.1",
    port: int = 8050,
    database_url: str | None = None,
    debug: bool = False,
    open_network: bool = False,
    module_dirs: tuple[Path, ...] = (),
) -> None:
    """Run the development server (``canvas-app serve``).

    With accounts off, everyone who reaches the server is the owner of every workspace, so it
    refuses a network address unless told twice (``--open-without-accounts``).
    """

    settings = Settings.from_env(database_url=database_url, host=host, port=port, debug=debug, module_dirs=module_dirs)
    if not settings.auth and not is_loopback(host) and not open_network:
        print(
            f"canvas-app: cannot start: accounts are off, so anyone who reaches {host}:{port} could read and "
            "change every workspace. Turn accounts on (CITYCANVAS_AUTH=on and CITYCANVAS_SECRET_KEY), serve on "
            "127.0.0.1, or pass --open-without-accounts if this network is yours alone.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    configure_logging(settings)  # before the app is built, so its start-up lines are formatted too
    try:
        app = create_app(settings)
    except (AuthConfigError, MissingExtra) as exc:
        print(f"canvas-app: cannot start: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    print(f"CityCanvas on http://{host}:{port}  (database: {app.canvas_services.store.url})")
    app.run(host=host, port=port, debug=debug)


__all__ = ["create_app", "serve", "MAX_FILE_BYTES"]
