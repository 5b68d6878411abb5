"""Where the data folders shipped with CityCanvas are (``modules/``, ``examples/``, ``schema/``).

In a checkout, and an editable install, they are the repository's top-level folders. A wheel
carries them inside the package, as ``canvas_app/_shipped/<name>`` (pyproject.toml maps them),
so an installed CityCanvas finds its built-in library and examples wherever it was installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED_FOLDERS = ("modules", "examples", "schema")


def shipped_dir(name: str) -> Path:
    """The folder ``name`` (one of :data:`SHIPPED_FOLDERS`): inside the installed package, else the checkout's."""
    if name not in SHIPPED_FOLDERS:
        raise ValueError(f"no shipped folder named {name!r}; there are {', '.join(SHIPPED_FOLDERS)}")
    installed = Path(str(files("canvas_app"))) / "_shipped" / name
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / name


__all__ = ["SHIPPED_FOLDERS", "shipped_dir"]
