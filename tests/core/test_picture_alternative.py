"""The report picture's text alternative: the actors and flows as tables right after the picture."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from canvas_app.analysis import evaluate
from canvas_app.model import load_configuration
from canvas_app.report import configuration_report, report_html

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "oulu-parking.json"


class Events(HTMLParser):
    """The report as a flat list of (tag, attributes, text) events, outside the inlined SVG."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, dict[str, str | None], str]] = []
        self.in_svg = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.in_svg += tag == "svg"
        if not self.in_svg:
            self.events.append((tag, dict(attrs), ""))

    def handle_endtag(self, tag: str) -> None:
        self.in_svg -= tag == "svg"

    def handle_data(self, data: str) -> None:
        if not self.in_svg and self.events and data.strip():
            tag, attrs, text = self.events[-1]
            self.events[-1] = (tag, attrs, text + data)


def test_alt001_the_canvas_figure_is_named_and_followed_by_its_two_tables():
    config = load_configuration(EXAMPLE)
    parser = Events()
    parser.feed(report_html(configuration_report(config, evaluate(config))))
    events = parser.events
    figure = next(i for i, (tag, attrs, _t) in enumerate(events) if tag == "figure")
    label = events[figure][1]["aria-label"] or ""
    assert label == (
        f"The value network of {config.name}: {len(config.actors)} actors and {len(config.flows)} flows, "
        "listed in the two tables that follow the picture."
    )
    after = events[figure + 1 :]
    captions = [text for tag, _a, text in after if tag == "caption"]
    assert captions[:2] == [
        f"Actors of {config.name} (the picture above as text)",
        f"Value flows of {config.name} (the picture above as text)",
    ]
    # nothing but the two tables between the picture and the next section's heading
    next_heading = next(i for i, (tag, _a, _t) in enumerate(after) if tag == "h2")
    assert [tag for tag, _a, _t in after[:next_heading] if tag in ("table", "figure", "p")] == ["table", "table"]
    headers = [(text, attrs.get("scope")) for tag, attrs, text in after[:next_heading] if tag == "th"]
    assert headers == [(h, "col") for h in ("Actor", "Type", "From", "To", "Kind", "Label", "Amount")]
    cells = [text for tag, _a, text in after[:next_heading] if tag == "td"]
    names = {a.id: a.name for a in config.actors}
    # the actors' table: name and type caption, two cells per actor
    assert cells[: 2 * len(config.actors)] == [
        x for a in config.actors for x in (a.name, a.type.value.replace("_", " ").capitalize())
    ]
    flows = cells[2 * len(config.actors) :]
    assert len(flows) == 5 * len(config.flows)
    first = config.flows[0]
    assert flows[:3] == [names[first.source], names[first.target], first.kind.value.capitalize()]


def test_alt002_amounts_say_when_they_are_estimates_and_a_missing_one_is_a_dash():
    from canvas_app.model import Configuration
    from canvas_app.report import canvas_section

    config = Configuration.model_validate(
        {
            "name": "x",
            "actors": [{"id": "a", "name": "Riders", "type": "citizen"}, {"id": "b", "name": "Op", "type": "business"}],
            "flows": [
                {"id": "f", "source": "a", "target": "b", "kind": "money", "label": "fare", "amount": 1.5},
                {"id": "g", "source": "b", "target": "a", "kind": "data", "amount": 0.25, "estimated": ["amount"]},
                {"id": "h", "source": "b", "target": "a", "kind": "service", "label": "rides"},
            ],
        }
    )
    assert canvas_section(config).tables[1].rows == (
        ("Riders", "Op", "Money", "fare", "1.5"),
        ("Op", "Riders", "Data", "", "≈0.25"),
        ("Op", "Riders", "Service", "rides", "–"),
    )
