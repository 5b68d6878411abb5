"""Sign-in and sign-out pages (plain HTML served by Flask, so they work before any Dash
script loads) and the account bar shown above every Dash page when accounts are on.

Every value put into the HTML here is escaped by ``markupsafe.Markup.format``.
"""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html
from markupsafe import Markup

from layouts.ids import ID


def _page(title: str, body: Markup, stylesheets: list[str]) -> str:
    links = Markup("").join(Markup('<link rel="stylesheet" href="{}">').format(href) for href in stylesheets)
    return str(
        Markup(
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{title} · CityCanvas</title>{links}</head>"
            '<body><main class="container" style="max-width: 28rem"><h1 class="h3 mt-4 mb-3">{title}</h1>'
            "{body}</main></body></html>"
        ).format(title=title, links=links, body=body)
    )


def _alert(message: str | None, color: str) -> Markup:
    if not message:
        return Markup("")
    return Markup('<div class="alert alert-{} py-2" role="alert">{}</div>').format(color, message)


def sign_in_page(
    *,
    csrf: str,
    next_path: str,
    stylesheets: list[str],
    user_name: str = "",
    error: str | None = None,
    notice: str | None = None,
) -> str:
    """The sign-in form. ``error`` is announced (role=alert) and the name field keeps its value."""
    body = Markup(
        "{notice}{error}"
        '<form method="post" action="/login" novalidate>'
        '<input type="hidden" name="csrf" value="{csrf}">'
        '<input type="hidden" name="next" value="{next}">'
        '<div class="mb-3"><label class="form-label" for="login-name">User name</label>'
        '<input class="form-control" id="login-name" name="name" autocomplete="username" required '
        'maxlength="200" value="{name}"{focus_name}></div>'
        '<div class="mb-3"><label class="form-label" for="login-password">Password</label>'
        '<input class="form-control" id="login-password" name="password" type="password" '
        'autocomplete="current-password" required maxlength="1024"{focus_password}></div>'
        '<button class="btn btn-primary" id="login-submit" type="submit">Sign in</button>'
        "</form>"
        '<p class="form-text mt-3">No account yet? An administrator creates one with '
        "<code>canvas-app users add NAME</code>.</p>"
        '<p class="small"><a href="/accessibility">Accessibility statement</a></p>'
    ).format(
        notice=_alert(notice, "success"),
        error=_alert(error, "danger"),
        csrf=csrf,
        next=next_path,
        name=user_name,
        focus_name=Markup("" if user_name else " autofocus"),
        focus_password=Markup(" autofocus" if user_name else ""),
    )
    return _page("Sign in", body, stylesheets)


def sign_out_page(*, csrf: str, user_name: str, stylesheets: list[str]) -> str:
    """A sign-out button (sign-out is a POST, so a link on another site cannot sign you out)."""
    body = Markup(
        "<p>You are signed in as <strong>{name}</strong>.</p>"
        '<form method="post" action="/logout"><input type="hidden" name="csrf" value="{csrf}">'
        '<button class="btn btn-primary" id="logout-submit" type="submit">Sign out</button> '
        '<a class="btn btn-link" href="/">Back to Home</a></form>'
    ).format(name=user_name, csrf=csrf)
    return _page("Sign out", body, stylesheets)


def account_bar(user_name: str, csrf: str) -> html.Nav:
    """ "Signed in as NAME · Sign out" above a Dash page (Dash escapes the text)."""
    return html.Nav(
        dbc.Container(
            [
                dcc.Link("CityCanvas", href="/", className="fw-semibold me-auto link-dark"),
                html.Span(["Signed in as ", html.Strong(user_name, id=ID.account_name)], className="small me-2"),
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf", value=csrf),
                        html.Button("Sign out", id=ID.sign_out, type="submit", className="btn btn-sm btn-outline-dark"),
                    ],
                    action="/logout",
                    method="post",
                    className="d-inline",
                ),
            ],
            fluid="lg",
            className="d-flex align-items-center py-1",
        ),
        className="border-bottom bg-white",
        **{"aria-label": "Account"},
    )


def no_access(text: str, *, signed_out: bool = False) -> Any:
    """The page shown instead of one the user may not see (with a sign-in link when signed out)."""
    link = html.A("Sign in", href="/login") if signed_out else dcc.Link("← Home", href="/")
    return html.Main(dbc.Container([html.H1("No access", className="h4 mt-3"), html.P(text, id=ID.no_access), link]))
