"""What a wheel carries, folder by folder: ``python tests/deploy/wheel_contents.py dist/citycanvas-*.whl``.

The installed-wheel test prints it too (``pytest tests/deploy/test_installed_wheel.py -s``).
"""

from __future__ import annotations

import sys
import zipfile
from collections import Counter
from pathlib import Path


def folder_of(name: str) -> str:
    """The folder holding a wheel member (``.`` for the wheel's top)."""
    return name.rpartition("/")[0] or "."


def summary(wheel: Path) -> Counter[str]:
    """Files per folder of ``wheel``."""
    with zipfile.ZipFile(wheel) as archive:
        return Counter(folder_of(name) for name in archive.namelist() if not name.endswith("/"))


def describe(wheel: Path) -> str:
    counts = summary(wheel)
    lines = [f"{wheel.name}: {sum(counts.values())} files, {wheel.stat().st_size:,} bytes"]
    lines += [f"  {count:4d}  {folder}/" for folder, count in sorted(counts.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        print(describe(Path(argument)))
