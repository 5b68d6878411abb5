"""Take docs/editor.png: the canvas editor with an example open (headless Debian Chromium).

    python docs/take_screenshot.py [--example oulu-parking.json] [--out docs/editor.png] [--width 1600]

Starts the app on a free port with a throwaway SQLite database, creates the
example configuration, opens it in the editor, places one module with the
keyboard path (so the score panel is live) and saves a screenshot of the window (--width wide).
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", default="oulu-parking.json")
    parser.add_argument("--out", default=str(REPO / "docs" / "editor.png"))
    parser.add_argument("--width", type=int, default=1600, help="window width in CSS px (e.g. 1024 to check a laptop)")
    args = parser.parse_args(argv)

    from bench.ui import browser, start_server, wait
    from canvas_app.model import load_configuration
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings
    from storage import Store

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    url = f"sqlite:///{tempfile.mkdtemp(prefix='citycanvas-shot-')}/shot.sqlite3"
    store = Store.open(url)
    settings = Settings(database_url=url, author="designer")
    app = create_app(settings, store=store)
    examples = sorted(Path(settings.examples_dir).glob("*.json"))
    path = Path(settings.examples_dir) / args.example
    if not path.exists():
        if not examples:
            print("no example configurations in", settings.examples_dir, file=sys.stderr)
            return 2
        path = examples[0]
    workspace = app.canvas_services.default_workspace()  # type: ignore[attr-defined]  # create_app hangs the services on the Dash app
    head = store.create_configuration(workspace.id, load_configuration(path), author="designer")
    base_url, server = start_server(app)
    driver = browser()
    driver.set_window_size(args.width, 900)
    try:
        driver.get(f"{base_url}/edit/{head.id}")
        wait(
            driver,
            "var e=document.getElementById('cy'); return e && e._cyreg && e._cyreg.cy && e._cyreg.cy.nodes().length;",
        )
        wait(driver, "return document.querySelectorAll('#ed-flags li, #ed-flags p').length;", 60)
        # open the criteria of the first score and highlight the first flag, as a designer would
        driver.execute_script("var d=document.querySelector('#ed-scores details'); if (d) d.open = true;")
        driver.execute_script("var f=document.querySelector('.flag-button'); if (f) f.click();")
        time.sleep(1.5)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(args.out)
        print(f"saved {args.out} ({path.name}, configuration {head.id})")
    finally:
        driver.quit()
        server.shutdown()
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
