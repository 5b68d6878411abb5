"""Sign-in protection through the real app (Flask's test client, real SQLite): where ``next`` may
send the browser after signing in, and the throttle under parallel guesses and from several
network addresses. The same holes against real servers: tests/deploy/test_sign_in_race.py."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from canvas_app.web.auth import (
    MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS,
    MAX_FAILURES_PER_ADDRESS,
    THROTTLED,
    hash_password,
)
from canvas_app.web.settings import Settings

PASSWORD = "correct horse battery"
SECRET = "test-secret-key-0123456789abcdef"
WRONG = "Wrong user name or password."

NASTY_NEXT = [
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r/evil.example",
    "\t//evil.example",
    "/\t\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "/\u3000/evil.example",
    "evil.example",
    "data:text/html,<script>alert(1)</script>",
    "/%09/evil.example?x=1",
    "",
    "/login?next=//evil.example",
]
"""Values of ``next`` as the app receives them (after the query string's own percent-decoding)."""


@pytest.fixture()
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/signin.sqlite3"


@pytest.fixture()
def store(db_url):
    from storage import Store

    s = Store.open(db_url)
    for name in ("ann", "val"):
        s.create_user(name, hash_password(PASSWORD))
    yield s
    s.close()


@pytest.fixture()
def app(store, db_url):
    from canvas_app.web.app import create_app

    return create_app(Settings(database_url=db_url, auth=True, secret_key=SECRET), store=store)


def client_at(app: Any, address: str = "127.0.0.1") -> Any:
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def csrf_of(client: Any) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


def post_sign_in(client: Any, name: str, password: str = PASSWORD, csrf: str | None = None, **extra: str) -> Any:
    return client.post("/login", data={"name": name, "password": password, "csrf": csrf or csrf_of(client), **extra})


def where_it_goes(location: str) -> tuple[str, str]:
    """(scheme+host, path) the way a browser resolves ``Location`` against this site: browsers drop
    tabs and newlines, and read a backslash as a slash."""
    from urllib.parse import urljoin, urlsplit

    cleaned = re.sub(r"[\t\n\r]", "", location).strip("\x00 ").replace("\\", "/")
    resolved = urlsplit(urljoin("http://citycanvas.example/login", cleaned))
    return f"{resolved.scheme}://{resolved.netloc}", resolved.path


@pytest.mark.parametrize("evil", NASTY_NEXT, ids=repr)
def test_next_never_leaves_the_site_after_signing_in(app, evil: str) -> None:
    client = client_at(app)
    answer = post_sign_in(client, "ann", next=evil)
    assert answer.status_code == 302
    assert where_it_goes(answer.headers["Location"])[0] == "http://citycanvas.example", answer.headers["Location"]
    assert not re.search(r"[\x00-\x20\\]", answer.headers["Location"])
    # signed in already: GET /login?next=... redirects at once, by the same rule
    again = client.get("/login", query_string={"next": evil})
    assert again.status_code == 302
    assert where_it_goes(again.headers["Location"])[0] == "http://citycanvas.example", again.headers["Location"]


@pytest.mark.parametrize(
    "raw",
    [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "%09%2F%2Fevil.example",
        "https%3A%2F%2Fevil.example",
    ],
)
def test_encoded_next_in_the_raw_query_string(app, raw: str) -> None:
    """The red team's requests, byte for byte: ``GET /login?next=/%09/evil.example`` (form shown,
    then after signing in) and ``next=/%0a/...`` (which gave a 500)."""
    client = client_at(app)
    form = client.get(f"/login?next={raw}")
    assert form.status_code == 200
    sent_back = re.search(r'name="next" value="([^"]*)"', form.get_data(as_text=True)).group(1)
    assert sent_back == "/"
    signed = client.post(f"/login?next={raw}", data={"name": "ann", "password": PASSWORD, "csrf": csrf_of(client)})
    assert signed.status_code == 302 and signed.headers["Location"] == "/"
    assert client.get(f"/login?next={raw}").headers["Location"] == "/"


@pytest.mark.parametrize("good", ["/edit/3", "/members/12", "/compare?a=1&b=2", "/edit/3#actors", "/accessibility"])
def test_next_keeps_a_path_on_this_site(app, good: str) -> None:
    answer = post_sign_in(client_at(app), "ann", next=good)
    assert answer.status_code == 302 and answer.headers["Location"] == good


def parallel(count: int, attempt: Any) -> list[Any]:
    """Run ``attempt(i)`` in ``count`` threads released at the same instant."""
    start = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        start.wait()
        results[i] = attempt(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_forty_parallel_guesses_get_at_most_the_limit_checked(app, store) -> None:
    """The red team's burst: 40 wrong guesses at once on one account, then the right password.

    (The right password is not inside the burst: a right password admitted among the first five
    clears this address's counter by design, as any successful sign-in does, and the guesses that
    follow it would be counted afresh; the attacker would have had the password already.)"""
    clients = [client_at(app) for _ in range(40)]
    tokens = [csrf_of(c) for c in clients]

    def attempt(i: int) -> tuple[int, str]:
        answer = post_sign_in(clients[i], "ann", f"guess {i}", tokens[i])
        return answer.status_code, answer.get_data(as_text=True)

    results = parallel(40, attempt)
    checked = [r for r in results if r[0] == 302 or WRONG in r[1]]
    refused = [r for r in results if r[0] == 429]
    assert len(checked) <= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS, f"{len(checked)} passwords were checked"
    assert len(checked) + len(refused) == 40  # every other answer is a clear refusal, never a 500
    assert all(THROTTLED in body for _status, body in refused)
    assert post_sign_in(client_at(app), "ann").status_code == 429  # the right password too, from this address
    # the burst blocked this address for ann only: val signs in from it, ann from elsewhere
    assert post_sign_in(client_at(app), "val").status_code == 302
    assert post_sign_in(client_at(app, "10.1.2.3"), "ann").status_code == 302


def test_throttled_answer_is_429_with_retry_after(app) -> None:
    client = client_at(app)
    for attempt in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert post_sign_in(client, "ann", f"guess {attempt}").status_code == 401
    blocked = post_sign_in(client, "ann")  # even the right password, for now, from this address
    assert blocked.status_code == 429 and THROTTLED in blocked.get_data(as_text=True)
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert 'value="ann"' in blocked.get_data(as_text=True)


def test_an_attacker_address_never_locks_out_the_user_elsewhere(app) -> None:
    """One address guessing at many accounts is stopped for itself; the real users, from their own
    addresses, still sign in."""
    attacker = "203.0.113.9"
    names = [f"user{i}" for i in range(MAX_FAILURES_PER_ADDRESS + 10)]
    answers = [post_sign_in(client_at(app, attacker), name, "guess").status_code for name in names]
    assert answers.count(401) == MAX_FAILURES_PER_ADDRESS and answers.count(429) == 10
    for _ in range(20):  # and on the real user's account, until refused
        post_sign_in(client_at(app, attacker), "ann", "guess")
    assert post_sign_in(client_at(app, attacker), "val").status_code == 429  # the attacker's address is stopped
    assert post_sign_in(client_at(app, "198.51.100.7"), "ann").status_code == 302
    assert post_sign_in(client_at(app, "198.51.100.8"), "val").status_code == 302


def test_ipv6_neighbours_share_one_address_limit(app) -> None:
    """A host given a /64 has billions of addresses: they count as one."""
    for i in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert post_sign_in(client_at(app, f"2001:db8:1:2::{i + 1:x}"), "ann", "guess").status_code == 401
    assert post_sign_in(client_at(app, "2001:db8:1:2::ff"), "ann").status_code == 429
    assert post_sign_in(client_at(app, "2001:db8:1:3::1"), "ann").status_code == 302


def test_guesses_from_many_addresses_lock_the_account_but_not_its_known_browsers(
    app, db_url, monkeypatch, capsys
) -> None:
    """The per-account limit over all addresses stops a spread-out attack; the real user's browser,
    which signed in before, still gets in; an administrator can lift the lock."""
    from canvas_app.cli import main as cli
    from canvas_app.web import auth

    monkeypatch.setattr(auth, "MAX_FAILURES_PER_ACCOUNT", 12)  # the rule, at a size a test can reach
    usual = client_at(app, "192.0.2.10")
    assert post_sign_in(usual, "ann").status_code == 302
    known = usual.get_cookie("citycanvas_known_browser", path="/login").value
    answers = [post_sign_in(client_at(app, f"203.0.113.{i // 5}"), "ann", "guess").status_code for i in range(15)]
    assert answers.count(401) == 12 and answers[12:] == [429, 429, 429]
    stranger = post_sign_in(client_at(app, "198.51.100.1"), "ann")  # right password, new browser and address
    assert stranger.status_code == 429 and "on this account from many places" in stranger.get_data(as_text=True)

    def browser_with(cookie: str, address: str) -> Any:
        client = client_at(app, address)
        client.set_cookie("citycanvas_known_browser", cookie, path="/login")
        return client

    assert post_sign_in(browser_with(known, "198.51.100.2"), "ann").status_code == 302
    forged = known[:-2] + ("AA" if not known.endswith("AA") else "BB")
    assert post_sign_in(browser_with(forged, "198.51.100.3"), "ann").status_code == 429
    val_browser = client_at(app, "198.51.100.4")
    assert post_sign_in(val_browser, "val").status_code == 302  # val's known browser is no key to ann
    val_cookie = val_browser.get_cookie("citycanvas_known_browser", path="/login").value
    assert post_sign_in(browser_with(val_cookie, "198.51.100.5"), "ann").status_code == 429

    assert cli.main(["users", "unlock", "ann", "--database-url", db_url]) == 0
    assert "sign-in of 'ann' unlocked" in capsys.readouterr().out
    assert post_sign_in(client_at(app, "198.51.100.6"), "ann").status_code == 302


def test_a_right_password_resets_the_count_for_its_address(app) -> None:
    client = client_at(app)
    for _round in range(3):  # 3 x 4 wrong, each followed by the right one: never throttled
        for attempt in range(MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS - 1):
            assert post_sign_in(client_at(app), "ann", f"guess {attempt}").status_code == 401
        assert post_sign_in(client, "ann").status_code == 302
        client.post(
            "/logout",
            data={
                "csrf": re.search(r'name="csrf" value="([^"]+)"', client.get("/logout").get_data(as_text=True)).group(1)
            },
        )
