"""An edit made in the editor (``canvas_app.web.editing.apply_edit``) writes a history line that names the
elements it touched, never their ids; a change set keeps its own label (an undo says what it undoes)."""

from __future__ import annotations

from pathlib import Path

from canvas_app.commands import ChangeSet, DeleteActor, MoveNodes, UpdateFlow
from canvas_app.model import load_configuration
from canvas_app.web.editing import apply_edit

DATA = Path(__file__).parent / "data"


def test_editor_edits_are_named_in_the_history(services):
    # small-parking: City of Testville, Drivers, Parking operator, Lonely vendor; f1 'parking fee' (Drivers →
    # Parking operator), f2 'parking' (operator → Drivers), f3 'concession' (City → operator)
    config = load_configuration(DATA / "small-parking.json")
    head = services.store.create_configuration(services.default_workspace().id, config, author="tester")
    edits = [
        UpdateFlow("f1", {"amount": 2.5}),
        MoveNodes({"city": [10, 20], "lonely": [30, 40]}),
        DeleteActor("drivers"),
        ChangeSet(remove={"flows": ["f3"]}, label="stop the concession"),
    ]
    version = head.version
    for command in edits:
        outcome = apply_edit(services, head.id, version, lambda _config, c=command: c)
        assert outcome.head is not None, outcome.problems
        version = outcome.head.version
    assert [r.summary for r in services.store.revisions(head.id)[1:]] == [
        "edited flow 'parking fee' (Drivers → Parking operator)",
        "moved 2 actors",
        "deleted actor 'Drivers' and 2 flows",
        "stop the concession",
    ]
