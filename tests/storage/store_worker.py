"""A separate process that edits one configuration through the Store (used by the
concurrency and crash tests). Prints one JSON line per acknowledged save, flushed
before the next save starts, so the parent knows exactly what was acknowledged.

usage: python store_worker.py URL CONFIG_ID NAME SAVES   (SAVES 0 = until killed)
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from canvas_app.model import dump_configuration, parse_configuration  # noqa: E402
from storage import ConflictError, Store  # noqa: E402


def main() -> int:
    url, config_id, name, saves = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    store = Store.open(url, upgrade=False)
    done = conflicts = 0
    config, head = store.load(config_id)
    while saves == 0 or done < saves:
        data = config.model_dump(mode="json")
        actor_id = f"{name}-{done}"
        data["actors"].append({"id": actor_id, "name": f"{name} edit {done}", "type": "business"})
        new = parse_configuration(data)
        try:
            saved = store.save(
                config_id, new, base_version=head.version, author=name, summary=f"{name} adds {actor_id}"
            )
        except ConflictError as exc:
            conflicts += 1
            config, head = exc.current_config, store.get_configuration(config_id)  # rebase on theirs
            if head.version != exc.current.version:
                config, head = store.load(config_id)
            continue
        sha = hashlib.sha256(dump_configuration(new).encode()).hexdigest()
        print(json.dumps({"version": saved.version, "sha": sha, "actor": actor_id}), flush=True)
        config, head, done = new, saved, done + 1
    print(json.dumps({"conflicts": conflicts}), flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
