"""Browser benchmark of the canvas editor (headless Debian Chromium, no downloads).

For canvases of 30, 100 and 300 actors it measures, in the browser, the time from
a module drop (synthetic HTML5 drag events on the cytoscape canvas) to the frame
where the canvas shows the new elements and the score panel shows new scores,
and the bytes each edit moves over the wire compared with the whole elements
list. Prints one line per size and the target (150 ms median at 300 actors).

    python bench/ui.py [--sizes 30,100,300] [--drops 15]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from canvas_app.model import Configuration  # noqa: E402

TYPES = ["citizen", "business", "service_provider", "technology_vendor", "public_agency", "community", "research"]
KINDS = ["money", "data", "service", "knowledge", "reputation", "permission", "goods"]

FETCH_SPY = """
if (!window.__ccSpy) {
  window.__ccSpy = [];
  window.__ccInflight = 0;
  const orig = window.fetch;
  window.fetch = async function(url, opts) {
    const body = opts && typeof opts.body === 'string' ? opts.body : '';
    window.__ccInflight++;
    let res;
    try { res = await orig.apply(this, arguments); } finally { window.__ccInflight--; }
    if (String(url).indexOf('_dash-update-component') >= 0) {
      const clone = res.clone();
      const text = await clone.text();
      let out = '';
      try { out = Object.keys(JSON.parse(body).outputs ? {} : {}).join(); out = JSON.parse(body).output; } catch (e) {}
      window.__ccSpy.push({output: out, sent: body.length, received: text.length, t: performance.now()});
    }
    return res;
  };
}
"""

DROP_AND_WAIT = """
const [module, fx, fy, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];
const cyEl = document.getElementById('cy');
const cy = cyEl._cyreg.cy;
const scores = document.getElementById('ed-scores');
const beforeEdges = cy.edges().length, beforeNodes = cy.nodes().length, beforeScores = scores.innerText;
const spyStart = window.__ccSpy.length;
const item = document.querySelector('[data-module="' + module + '"]');
const r = cyEl.getBoundingClientRect();
const x = r.left + r.width * fx, y = r.top + r.height * fy;
const dt = new DataTransfer();
const t0 = performance.now();
item.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: dt}));
cyEl.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));
cyEl.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));
let canvasAt = null, scoresAt = null;
function poll() {
  const now = performance.now();
  if (canvasAt === null && (cy.edges().length !== beforeEdges || cy.nodes().length !== beforeNodes)) canvasAt = now;
  if (scoresAt === null && scores.innerText !== beforeScores) scoresAt = now;
  if (canvasAt !== null && scoresAt !== null) {
    const edit = window.__ccSpy.slice(spyStart).filter(s => String(s.output).indexOf('ed-graph-diff') >= 0)[0];
    done({ms: Math.max(canvasAt, scoresAt) - t0, canvas: canvasAt - t0, scores: scoresAt - t0,
          response: edit ? edit.t - t0 : null, diffAt: (window.citycanvasDiffAt || 0) - t0,
          scoresJs: (window.citycanvasScoresAt || 0) - t0,
          nodes: cy.nodes().length, edges: cy.edges().length, spyStart: spyStart});
  } else if (now - t0 > 20000) {
    done({ms: null, spyStart: spyStart});
  } else {
    requestAnimationFrame(poll);
  }
}
requestAnimationFrame(poll);
"""


def synthetic(n: int, seed: int = 1) -> Configuration:
    """A connected configuration of n actors and about 2n flows, laid out on a grid."""
    rng = random.Random(seed)
    actors = [
        {"id": "city", "name": "City", "type": "city", "position": {"x": 0, "y": 0}},
        {"id": "operator", "name": "Platform operator", "type": "platform_operator", "position": {"x": 120, "y": 0}},
        {"id": "residents", "name": "Residents", "type": "citizen", "count": 50000, "position": {"x": 240, "y": 0}},
    ]
    cols = max(5, int(n**0.5 * 1.6))
    for i in range(3, n):
        actors.append(
            {
                "id": f"a{i}",
                "name": f"Actor {i}",
                "type": rng.choice(TYPES),
                "position": {"x": (i % cols) * 120, "y": (i // cols) * 90},
            }
        )
    flows = []
    for actor in actors[1:]:
        hub = "operator" if actor["id"] != "operator" else "city"
        flows.append(
            {
                "id": f"f{len(flows)}",
                "source": actor["id"],
                "target": hub,
                "kind": rng.choice(KINDS),
                "label": "value",
                "amount": round(rng.uniform(0, 5), 2),
                "occurrences": 100,
            }
        )
        other = actors[rng.randrange(len(actors))]["id"]
        if other != actor["id"]:
            flows.append(
                {
                    "id": f"f{len(flows)}",
                    "source": other,
                    "target": actor["id"],
                    "kind": rng.choice(KINDS),
                    "label": "value",
                }
            )
    return Configuration.model_validate({"name": f"Bench {n}", "actors": actors, "flows": flows})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app) -> tuple[str, object]:
    from werkzeug.serving import make_server

    port = free_port()
    server = make_server("127.0.0.1", port, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", server


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options)


def wait(driver, script: str, timeout: float = 30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(script)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,100,300")
    parser.add_argument("--drops", type=int, default=15)
    parser.add_argument("--verbose", action="store_true", help="print each drop's timings")
    args = parser.parse_args(argv)

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from canvas_app.web.app import create_app
    from canvas_app.web.settings import Settings
    from layouts.graph import config_elements
    from storage import Store

    tmp = tempfile.mkdtemp(prefix="citycanvas-bench-")
    url_db = f"sqlite:///{tmp}/bench.sqlite3"
    store = Store.open(url_db)
    app = create_app(Settings(database_url=url_db, author="bench"), store=store)
    library = app.canvas_services.library  # type: ignore[attr-defined]  # create_app hangs the services on the Dash app
    modules = [m.id for m in library if m.flows][:6]
    base_url, server = start_server(app)
    workspace = app.canvas_services.default_workspace()  # type: ignore[attr-defined]  # create_app hangs the services on the Dash app
    driver = browser()
    print(
        f"UI benchmark: module drop -> redrawn canvas with new scores (headless Chromium, {args.drops} drops per size)"
    )
    print(f"modules dropped in turn: {', '.join(modules)}")
    failures = 0
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            config = synthetic(n)
            head = store.create_configuration(workspace.id, config, author="bench")
            whole = len(json.dumps(config_elements(config), separators=(",", ":")))
            driver.get(f"{base_url}/edit/{head.id}")
            wait(
                driver,
                "var e=document.getElementById('cy'); return e && e._cyreg && e._cyreg.cy && e._cyreg.cy.nodes().length;",
            )
            wait(driver, "return document.querySelectorAll('#ed-flags li, #ed-flags p').length;", 60)
            driver.execute_script(FETCH_SPY)
            times, canvas_t, score_t, edit_sent, edit_recv, all_bytes, responses = [], [], [], [], [], [], []
            for k in range(args.drops):
                result = driver.execute_async_script(
                    DROP_AND_WAIT,
                    modules[k % len(modules)],
                    0.2 + 0.6 * ((k * 37) % 10) / 10,
                    0.2 + 0.6 * ((k * 53) % 10) / 10,
                )
                if result.get("ms") is None:
                    failures += 1
                    continue
                times.append(result["ms"])
                responses.append(result.get("response") or float("nan"))
                if args.verbose:
                    print({k: (round(v, 1) if isinstance(v, float) else v) for k, v in result.items()})
                canvas_t.append(result["canvas"])
                score_t.append(result["scores"])
                # let the flags/recommendations callback finish before the next drop
                time.sleep(0.05)
                wait(
                    driver,
                    "return !document.getElementById('ed-saving') || document.getElementById('ed-saving').style.display === 'none';",
                )
                time.sleep(0.3)
                wait(driver, "return window.__ccInflight === 0;", 60)
                time.sleep(0.2)
                spy = driver.execute_script("return window.__ccSpy.slice(arguments[0]);", result["spyStart"])
                edit = [s for s in spy if "ed-graph-diff" in str(s.get("output"))]
                if edit:
                    edit_sent.append(edit[0]["sent"])
                    edit_recv.append(edit[0]["received"])
                all_bytes.append(sum(s["sent"] + s["received"] for s in spy))
            nodes = driver.execute_script("return document.getElementById('cy')._cyreg.cy.nodes().length;")
            median = statistics.median(times) if times else float("nan")
            per_edit = statistics.median(edit_recv) if edit_recv else float("nan")
            sent = statistics.median(edit_sent) if edit_sent else float("nan")
            print(
                f"{n:>4} actors ({len(config.flows)} flows, {nodes} after drops): drop->canvas+scores median {median:6.1f} ms "
                f"(p90 {sorted(times)[int(len(times) * 0.9) - 1] if times else float('nan'):6.1f}; canvas {statistics.median(canvas_t):.1f}, "
                f"scores {statistics.median(score_t):.1f}; edit response arrived {statistics.median(responses):.1f}) | edit response {per_edit:,.0f} B + request {sent:,.0f} B "
                f"vs whole elements {whole:,} B = {100 * per_edit / whole:.1f}% (+req {100 * sent / whole:.1f}%) | "
                f"all callbacks per drop incl. flags+recommendations {statistics.median(all_bytes):,.0f} B"
            )
        print("targets: <= 150 ms median at 300 actors; edit payload <= 5% of the whole elements list")
    finally:
        driver.quit()
        server.shutdown()
        store.close()
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
