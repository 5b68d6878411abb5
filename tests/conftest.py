"""Fixtures shared by every test folder."""

from __future__ import annotations

import socket

import pytest


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(autouse=True)
def _dash_server_on_a_free_port() -> None:
    """dash[testing] starts every app on 8050, 8051...: two test runs side by side would reach
    each other's server. Start each test's app on a port the OS says is free instead."""
    from dash.testing.application_runners import BaseDashRunner

    BaseDashRunner._next_port = free_port()
