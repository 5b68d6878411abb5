"""Helpers shared by the UI tests: read a Dash component tree, wait in a real browser, click."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def text_of(component: Any) -> str:
    """All text inside a Dash component tree (what a reader would see); nothing for no_update or a Patch."""
    from dash import Patch, no_update

    if component is None or component is no_update or isinstance(component, (bool, Patch)):
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def find(component: Any, component_id: Any) -> Any:
    """The component with this id inside a layout tree (None if absent)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            hit = find(child, component_id)
            if hit is not None:
                return hit
    return None


def wait_for(fn: Callable[[], Any], timeout: float = 20.0, interval: float = 0.05) -> Any:
    """Poll ``fn`` until it returns something truthy (and return that), or fail after ``timeout`` seconds."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last value {last!r})")


def click(dash_duo: Any, selector: str) -> Any:
    """Scroll the element to the middle of the window at once (Bootstrap makes scrolling smooth, so a
    click during the scroll can land on whatever passes under the pointer), then click it."""
    element = dash_duo.wait_for_element(selector)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.click()
    return element


def downloaded(folder: Path, suffix: str, timeout: float = 15.0) -> Path:
    """The finished download with this suffix (Chrome writes *.crdownload until it is done)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file in {folder} after {timeout}s: {[p.name for p in folder.iterdir()]}")
