"""Co-creation round aggregates on hand-computed data, the answer rules, and their properties."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from canvas_app.rounds import (
    GROUPS,
    Answer,
    Round,
    RoundItem,
    aggregate,
    by_group,
    convergence,
    importance_from_median,
    item_result,
    quartiles,
    revise,
)


def who(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def answer(name: str, item: str, rating: int | None, group: str = "resident", **extra: object) -> Answer:
    return Answer.model_validate({"participant": who(name), "group": group, "item": item, "rating": rating, **extra})


def test_quartiles_are_the_inclusive_linear_ones():
    # positions (n - 1) p into the sorted values: 1 → 2, 2 → 3, 3 → 4
    assert quartiles([5, 1, 4, 2, 3]) == (2, 3, 4)
    # [2, 4, 4, 5]: Q1 at 0.75 → 2 + 0.75·2 = 3.5; median 4; Q3 at 2.25 → 4 + 0.25·1 = 4.25
    assert quartiles([4, 4, 5, 2]) == (3.5, 4, 4.25)
    assert quartiles([1, 5]) == (2, 3, 4)
    assert quartiles([3]) == (3, 3, 3)
    with pytest.raises(ValueError):
        quartiles([])


def test_item_result_of_five_spread_ratings():
    result = item_result("a", [1, 2, 3, 4, 5])
    assert (result.n, result.dont_know, result.distribution) == (5, 0, (1, 1, 1, 1, 1))
    assert (result.median, result.q1, result.q3, result.iqr) == (3, 2, 4, 2)
    assert result.agreement == pytest.approx(3 / 5)  # 2, 3 and 4 lie within ±1 of 3
    assert result.consensus is False  # IQR 2 > 1


def test_dont_know_counts_apart_from_the_ratings():
    result = item_result("b", [4, None, 4, 5, 2])
    assert (result.n, result.dont_know, result.distribution) == (4, 1, (0, 1, 0, 2, 1))
    assert (result.median, result.q1, result.q3, result.iqr) == (4, 3.5, 4.25, 0.75)
    assert result.agreement == pytest.approx(3 / 4)  # the 2 lies 2 from the median
    assert result.consensus is True


def test_an_item_nobody_rated_has_no_figures():
    result = item_result("c", [None, None])
    assert (result.n, result.dont_know, result.median, result.iqr, result.agreement) == (0, 2, None, None, None)
    assert result.consensus is False


def test_two_opposite_ratings_do_not_agree():
    result = item_result("d", [1, 5])
    assert (result.median, result.iqr, result.agreement) == (3, 2, 0)


def test_aggregate_covers_the_asked_items_in_order_and_ignores_others():
    answers = [answer("p1", "a", 5), answer("p2", "a", 3), answer("p1", "zz", 1)]
    results = aggregate(answers, ["b", "a"])
    assert list(results) == ["b", "a"]
    assert results["b"].n == 0
    assert (results["a"].n, results["a"].median) == (2, 4)


def test_an_answer_given_twice_is_refused_not_counted_twice():
    with pytest.raises(ValueError, match="twice"):
        aggregate([answer("p1", "a", 5), answer("p1", "a", 4)], ["a"])


def test_breakdown_by_stakeholder_group():
    answers = [
        answer("p1", "a", 5, "resident"),
        answer("p2", "a", 3, "resident"),
        answer("p3", "a", 1, "business"),
    ]
    groups = by_group(answers, ["a"])
    assert list(groups) == ["resident", "business"]  # the order of GROUPS, only groups that answered
    residents = groups["resident"]["a"]
    assert (residents.n, residents.median, residents.q1, residents.q3, residents.iqr) == (2, 4, 3.5, 4.5, 1)
    assert residents.agreement == 1  # 5 and 3 both lie 1 from 4
    business = groups["business"]["a"]
    assert (business.n, business.median, business.iqr, business.agreement) == (1, 1, 0, 1)


def test_convergence_is_the_change_of_iqr_per_item():
    first = aggregate([answer(f"p{i}", "a", r) for i, r in enumerate([1, 2, 3, 4, 5])], ["a", "b"])
    second = aggregate(
        [answer(f"p{i}", "a", r) for i, r in enumerate([3, 3, 4, 4, 3])] + [answer("p0", "b", 2)], ["a", "b"]
    )
    # round 2, item a: [3, 3, 3, 4, 4] → Q1 3, Q3 4, IQR 1; item b was not rated in round 1
    changes = convergence(first, second)
    assert [(c.item, c.iqr_before, c.iqr_after, c.change) for c in changes] == [("a", 2, 1, -1)]


def test_importance_from_median_rounds_half_up():
    assert [importance_from_median(m) for m in (1, 2.5, 3.5, 4.25, 4.5, 5)] == [1, 3, 4, 4, 5, 5]
    with pytest.raises(ValueError):
        importance_from_median(0.5)


def test_answer_rules():
    assert answer("p", "a", None).rating is None
    assert answer("p", "a", 3, comment="  3 < 4 is fine  ").comment == "3 < 4 is fine"
    for bad in (
        {"rating": 0},
        {"rating": 6},
        {"group": "politician"},
        {"participant": "not-a-hash"},
        {"comment": "x" * 1001},
        {"comment": "<script>alert(1)</script>"},
        {"comment": "bell\x07"},
        {"reason": "<b>bold</b>"},
    ):
        data = {"participant": who("p"), "group": "resident", "item": "a", "rating": 3, **bad}
        with pytest.raises(ValidationError):
            Answer.model_validate(data)


def test_round_rules():
    base = {
        "kind": "needs",
        "items": [{"id": "n1", "text": "Safe cycling to school"}],
        "opens": date(2026, 3, 1),
        "closes": date(2026, 3, 31),
        "language": "fi",
    }
    round_ = Round.model_validate(base)
    assert round_.item_ids() == ("n1",)
    assert round_.is_open(date(2026, 3, 1)) and round_.is_open(date(2026, 3, 31))
    assert not round_.is_open(date(2026, 4, 1))
    for bad in (
        {"kind": "costs"},
        {"language": "sv"},
        {"closes": date(2026, 2, 1)},
        {"items": []},
        {"items": [{"id": "n1", "text": "A"}, {"id": "n1", "text": "B"}]},
        {"intro": "<img src=x onerror=alert(1)>"},
    ):
        with pytest.raises(ValidationError):
            Round.model_validate({**base, **bad})
    assert RoundItem(id="n1", text="Kävely").text == "Kävely"


ITEMS = ["a", "b", "c"]
answers_strategy = st.dictionaries(
    st.tuples(st.integers(0, 30), st.sampled_from(ITEMS)),
    st.tuples(st.one_of(st.none(), st.integers(1, 5)), st.sampled_from(GROUPS)),
    max_size=60,
).map(
    lambda d: [
        Answer(participant=who(f"p{p}"), group=g, item=i, rating=r)  # type: ignore[arg-type]
        for (p, i), (r, g) in d.items()
    ]
)


@settings(max_examples=60, deadline=None)
@given(answers_strategy, st.randoms(use_true_random=False))
def test_aggregates_do_not_depend_on_the_order_of_answers(answers, rnd):
    shuffled = list(answers)
    rnd.shuffle(shuffled)
    assert aggregate(shuffled, ITEMS) == aggregate(answers, ITEMS)
    assert by_group(shuffled, ITEMS) == by_group(answers, ITEMS)


@settings(max_examples=60, deadline=None)
@given(answers_strategy, st.data())
def test_changing_one_answer_changes_exactly_that_answer(answers, data):
    if not answers:
        return
    old = data.draw(st.sampled_from(answers))
    rating = data.draw(st.one_of(st.none(), st.integers(1, 5)))
    new = old.model_copy(update={"rating": rating, "reason": "I thought again"})
    revised = revise(answers, new)
    assert len(revised) == len(answers)
    assert [a for a in revised if a != new] == [a for a in answers if a != old]
    before, after = aggregate(answers, ITEMS), aggregate(revised, ITEMS)
    for item in ITEMS:
        if item != old.item:
            assert after[item] == before[item]
    assert after[old.item] == item_result(old.item, [a.rating for a in revised if a.item == old.item])


def test_revise_adds_a_first_answer():
    first = answer("p1", "a", 4)
    assert revise([], first) == (first,)


def test_write_limits_name_the_round_and_the_address():
    from canvas_app.rounds import MAX_WRITES_PER_ADDRESS, MAX_WRITES_PER_ROUND, WRITE_WINDOW, write_limits

    assert write_limits(3, "10.0.0.0/24") == {
        "round:3|address:10.0.0.0/24": (MAX_WRITES_PER_ADDRESS, WRITE_WINDOW),
        "round:3": (MAX_WRITES_PER_ROUND, WRITE_WINDOW),
    }


def export_case() -> tuple[Round, list[Answer]]:
    """Two items; ann and bob answer, a comment is a formula, one answer is on an item not asked."""
    from datetime import datetime

    round_ = Round.model_validate(
        {
            "kind": "needs",
            "items": [{"id": "n1", "text": "Safe cycling"}, {"id": "n2", "text": "Quiet streets"}],
            "opens": date(2026, 3, 1),
            "closes": date(2026, 3, 31),
        }
    )
    at = datetime(2026, 3, 4, 23, 59, 58)
    answers = [
        answer("ann", "n2", 3, comment="@SUM(A1)", answered_at=at),
        answer("ann", "n1", 4, comment="=HYPERLINK(1)", answered_at=at),
        answer(
            "bob", "n1", None, "business", comment="-1 and +2", reason="=1 more", answered_at=datetime(2026, 3, 2, 8, 0)
        ),
        answer("cem", "n1", 2, answered_at=at),
        answer("ann", "other", 2, answered_at=at),  # not asked in this round: left out
    ]
    return round_, answers


def test_csv_export_has_no_participant_and_quotes_formulas():
    from canvas_app.rounds import answers_csv

    round_, answers = export_case()
    text = answers_csv(round_, answers).decode()
    # sorted by item (n1 before n2), then group (resident before business), day, rating
    assert text.splitlines() == [
        "item id,item text,stakeholder group,rating,comment,reason for revision,answered at",
        "n1,Safe cycling,resident,2,,,2026-03-04",
        "n1,Safe cycling,resident,4,'=HYPERLINK(1),,2026-03-04",
        "n1,Safe cycling,business,,'-1 and +2,'=1 more,2026-03-02",
        "n2,Quiet streets,resident,3,'@SUM(A1),,2026-03-04",
    ]
    assert not any(who(name) in text or who(name)[:8] in text for name in ("ann", "bob", "cem"))
    assert "23:59" not in text and "P1" not in text


def test_xlsx_export_reads_back_as_the_csv_rows_with_no_formula():
    import io

    from openpyxl import load_workbook

    from canvas_app.rounds import answers_xlsx

    round_, answers = export_case()
    sheet = load_workbook(io.BytesIO(answers_xlsx(round_, answers))).active
    assert sheet.title == "Answers"
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values == [
        ["item id", "item text", "stakeholder group", "rating", "comment", "reason for revision", "answered at"],
        ["n1", "Safe cycling", "resident", 2, None, None, "2026-03-04"],
        ["n1", "Safe cycling", "resident", 4, "'=HYPERLINK(1)", None, "2026-03-04"],
        ["n1", "Safe cycling", "business", None, "'-1 and +2", "'=1 more", "2026-03-02"],
        ["n2", "Quiet streets", "resident", 3, "'@SUM(A1)", None, "2026-03-04"],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_accepting_a_needs_round_sets_importance_and_the_rating_it_came_from():
    from canvas_app.rounds import accepted_updates
    from canvas_app.workspace_model import StakeholderRating, WorkspaceNeed

    results = aggregate(
        [answer("p1", "n1", 5), answer("p2", "n1", 4), answer("p1", "n2", 3), answer("p1", "n3", None)],
        ["n1", "n2", "n3", "gone"],
    )
    needs = {i: WorkspaceNeed(id=i, name=i, importance=v) for i, v in (("n1", 3), ("n2", 3), ("n3", 1))}
    # n1: [4, 5] → median 4.5 → importance 5 (was 3), Q1 4.25, Q3 4.75, IQR 0.5, both within 1: agreement 1
    # n2: [3] → importance unchanged, but the rating it rests on is recorded; n3: nobody rated; "gone" is gone
    assert accepted_updates("needs", needs, results, 7) == {
        "n1": {"importance": 5, "stakeholders": {"round": 7, "median": 4.5, "n": 2, "agreement": 1.0, "iqr": 0.5}},
        "n2": {"stakeholders": {"round": 7, "median": 3.0, "n": 1, "agreement": 1.0, "iqr": 0.0}},
    }
    rating = StakeholderRating(round=7, median=3.0, n=1, agreement=1.0, iqr=0.0)
    already = {**needs, "n2": needs["n2"].model_copy(update={"stakeholders": rating})}
    assert "n2" not in accepted_updates("needs", already, results, 7)  # accepting twice changes nothing more


def test_accepting_an_advantages_round_rates_strength_today_and_target():
    from canvas_app.rounds import accepted_updates, advantage_item_id, advantage_items, item_aspect
    from canvas_app.workspace_model import Advantage

    open_data = Advantage(id="a1", service="Parking", text="Open parking data")
    assert [(i.id, i.text) for i in advantage_items([open_data])] == [
        ("a1@today", "Open parking data"),
        ("a1@target", "Open parking data"),
    ]
    assert item_aspect(advantage_item_id("a1", "target")) == ("a1", "target")
    results = aggregate(
        [
            answer("p1", "a1@today", 2),
            answer("p2", "a1@today", 3),
            answer("p3", "a1@today", 5),
            answer("p1", "a1@target", 4),
        ],
        ["a1@today", "a1@target", "a2@today"],
    )
    # today [2, 3, 5]: median 3, Q1 2.5, Q3 4, IQR 1.5, within 1 of 3: 2 and 3 → agreement 2/3
    assert accepted_updates("advantages", {"a1": open_data}, results, 3) == {
        "a1": {
            "rated_today": {"round": 3, "median": 3.0, "n": 3, "agreement": 0.6667, "iqr": 1.5},
            "rated_target": {"round": 3, "median": 4.0, "n": 1, "agreement": 1.0, "iqr": 0.0},
        }
    }


def test_a_stakeholder_rating_joins_an_advantage_ranking_score():
    from canvas_app.ranking import rank_advantages
    from canvas_app.workspace_model import Advantage, StakeholderRating

    plain = Advantage(id="a1", service="Parking", text="Open data", modules=["open-data-api"])
    rated = plain.model_copy(update={"rated_today": StakeholderRating(round=1, median=4, n=5, agreement=0.8, iqr=1)})
    # no configuration for "Parking": the module counts as missing (part 0); stakeholders (4 − 1) / 4 = 0.75
    assert rank_advantages([plain], {})[0].score == 0.0
    assert rank_advantages([rated], {})[0].score == 37.5  # mean of 0 and 0.75


def test_every_page_text_exists_in_english_and_finnish():
    from canvas_app.rounds import GROUP_NAMES, LANGUAGES, TEXTS, text

    assert set(TEXTS) == set(GROUP_NAMES) == set(LANGUAGES)
    assert set(TEXTS["en"]) == set(TEXTS["fi"])
    assert all(set(GROUP_NAMES[lang]) == set(GROUPS) for lang in LANGUAGES)
    assert text("fi", "your_earlier", rating=4) == "Aiempi vastauksesi: 4"
    assert text("en", "group_median", median=3.5, iqr=1, n=12).startswith("Everyone in the previous round: median 3.5")


@pytest.mark.parametrize("days, ok", [(29, False), (30, True), (365, True), (3650, True), (3651, False)])
def test_retention_is_between_a_month_and_ten_years(days: int, ok: bool) -> None:
    spec = {"kind": "needs", "items": [{"id": "n1", "text": "x"}], "opens": "2026-03-01", "closes": "2026-03-31"}
    if ok:
        assert Round.model_validate({**spec, "keep_days": days}).kept_until(date(2026, 3, 31)) == date(
            2026, 3, 31
        ) + timedelta(days=days)
    else:
        with pytest.raises(ValidationError):
            Round.model_validate({**spec, "keep_days": days})
    assert Round.model_validate(spec).keep_days == 365  # a year unless the owner says otherwise


def test_a_reference_code_is_the_start_of_the_participant_hash_and_is_read_as_typed():
    from canvas_app.rounds import parse_reference, reference_code

    assert reference_code(who("ann")) == who("ann")[:8] and len(reference_code(who("ann"))) == 8
    assert parse_reference(" 0A1b2C3d ") == "0a1b2c3d"
    assert [parse_reference(v) for v in ("0a1b2c3", "0a1b2c3d4", "0a1b2c3g", "", None, 12345678)] == [None] * 6


def test_an_accepted_proposal_becomes_a_need_cut_at_a_word_past_300_characters():
    from canvas_app.rounds import need_from_proposal

    short = need_from_proposal("Shade at bus stops", {"need-shade-at-bus-stops"}, 4)
    assert (short.id, short.name, short.description) == ("need-shade-at-bus-stops-2", "Shade at bus stops", "")
    assert short.evidence == "Proposed by a participant of co-creation round #4."
    words = "word " * 99 + "end"  # 498 characters
    long = need_from_proposal(words, set(), 1)
    # 299 characters are 59 whole "word " and "word"; cut at the last space: 59 words, then "…"
    assert long.name == ("word " * 59).rstrip() + "…" and len(long.name) == 295
    assert long.description == words


def test_a_merged_proposal_is_one_more_line_of_evidence():
    from canvas_app.rounds import merged_evidence

    assert merged_evidence("", "Shade", 2) == "Also proposed by a participant of co-creation round #2: Shade"
    assert merged_evidence("Survey 2025\n", "Shade", 2) == (
        "Survey 2025\nAlso proposed by a participant of co-creation round #2: Shade"
    )


def test_the_participation_link_qr_code_is_an_svg_drawn_here_of_the_links_size() -> None:
    import xml.etree.ElementTree as ET

    import segno

    from canvas_app.rounds import link_qr_svg

    link = "https://city.example/r/" + "A" * 43
    svg = ET.fromstring(link_qr_svg(link))
    modules = segno.make(link, error="m").symbol_size(scale=1, border=4)[0]  # symbol width with its quiet zone
    assert svg.tag.endswith("svg") and float(svg.get("width") or 0) == modules * 6
    assert svg.find("{http://www.w3.org/2000/svg}path") is not None
    assert link_qr_svg(link) == link_qr_svg(link) != link_qr_svg(link + "x")  # the link itself, nothing random


def test_a_value_round_names_its_configuration_and_only_a_value_round_does():
    from canvas_app.rounds import Round, RoundItem

    base = {"items": [RoundItem(id="city", text="City")], "opens": date(2026, 1, 1), "closes": date(2026, 1, 2)}
    assert Round(kind="value", configuration=4, **base).configuration == 4
    for wrong in ({"kind": "value"}, {"kind": "needs", "configuration": 4}):
        with pytest.raises(ValueError, match="only a value round, names the configuration"):
            Round(**base, **wrong)


def test_value_round_ratings_leave_out_actors_nobody_rated():
    from canvas_app.rounds import value_ratings

    results = aggregate([answer("p1", "city", 2), answer("p2", "city", 4), answer("p1", "ops", None)], ["city", "ops"])
    # city [2, 4]: median 3, Q1 2.5, Q3 3.5, IQR 1, both within 1 of 3; ops: only "don't know"
    assert value_ratings(results, 9) == {
        "city": {"stakeholders": {"round": 9, "median": 3.0, "n": 2, "agreement": 1.0, "iqr": 1.0}}
    }
