"""The registry of flag codes: what each one means, how grave it is, what raises it, what clears it.

``docs/flags.md`` is generated from :data:`FLAGS` (``python -m canvas_app.flags > docs/flags.md``)
and a test checks both that the file is current and that the registry names exactly the
``(code, severity, score, criterion)`` of every finding ``canvas_app.checks`` can raise, so
neither the page nor the registry can drift from the checks.

>>> FLAGS_BY_CODE["no-return"][0].severity
'high'
>>> [rule.criterion for rule in FLAGS_BY_CODE["local-dependency"]]
['r_generic_roles', 'r_preconditions']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from canvas_app.evaluation import Severity


@dataclass(frozen=True)
class FlagRule:
    """One way a flag is raised: its code, severity, the score and criterion it lowers ("" for none)."""

    code: str
    severity: Severity
    score: str
    criterion: str
    raised_when: str
    remedy: str


FLAGS: tuple[FlagRule, ...] = (
    FlagRule(
        "isolated-actor",
        "medium",
        "sustainability",
        "su_reciprocity",
        "an actor (of two or more) has no flow at all",
        "connect it with a first two-way exchange with the hub of the main part, or remove it",
    ),
    FlagRule(
        "disconnected-ecosystem",
        "high",
        "scalability",
        "s_connected",
        "the actors fall into more than one part that exchanges value",
        "connect each cut-off part with a two-way exchange with the hub of the main part",
    ),
    FlagRule(
        "no-return",
        "high",
        "sustainability",
        "su_reciprocity",
        "an actor gives value but receives none (e3value's economic reciprocity)",
        "add a flow that gives it a return (money, service or data, by its type)",
    ),
    FlagRule(
        "free-rider",
        "medium",
        "sustainability",
        "su_reciprocity",
        "an actor that is not a citizen or community receives value but gives none",
        "add a flow by which it gives back to the actor it takes from",
    ),
    FlagRule(
        "no-revenue",
        "high",
        "value_capture",
        "cap_revenue",
        "the platform operator receives no money, grant or investment",
        "add a money flow from its users (or a library module with a revenue model)",
    ),
    FlagRule(
        "negative-net-value",
        "high",
        "sustainability",
        "su_viability",
        "a business actor loses money per period on its money flows and own costs",
        "raise a fee it receives, or add a money flow that covers its costs",
    ),
    FlagRule(
        "grant-dependent",
        "medium",
        "sustainability",
        "su_grant_independence",
        "grants are more than half of the operator's money and grant income",
        "add income from users or partners so grants fall below half",
    ),
    FlagRule(
        "funding-concentration",
        "medium",
        "sustainability",
        "su_diversified_funding",
        "the Herfindahl–Hirschman index of the operator's income by funding source is above 0.6 (the city and "
        "its agencies are one public budget, boxes with one funding_source one payer, a segment of count N is "
        "N payers)",
        "spread the operator's income over more sources (another box of a source that already pays does not count)",
    ),
    FlagRule(
        "single-point-of-failure",
        "medium",
        "scalability",
        "s_no_bottleneck",
        "an actor other than the city or a platform operator is the only link between some actors and the rest",
        "add a second actor of its type in the same exchanges",
    ),
    FlagRule(
        "vendor-lock-in",
        "high",
        "replicability",
        "r_no_lock_in",
        "a technology vendor is more central than the platform, or carries data without an open standard",
        "mark its data flows with an open standard, or add a second vendor",
    ),
    FlagRule(
        "not-multi-sided",
        "medium",
        "scalability",
        "s_network_effects",
        "the platform does not connect a demand side with a distinct supply side; input suppliers it only pays "
        "and its funders are not sides (Hagiu & Wright 2015)",
        "make a named input supplier a side (value passed to it through the platform), or join a provider "
        "that supplies service or data through the platform",
    ),
    FlagRule(
        "no-network-effects",
        "medium",
        "scalability",
        "s_network_effects",
        "no cross-side value loop runs through the platform (or there is no platform operator)",
        "close the loop through the platform, so that each side draws the other",
    ),
    FlagRule(
        "high-marginal-cost",
        "medium",
        "scalability",
        "s_marginal_cost",
        "a service flow to a user segment is marked with a high marginal cost",
        "deliver it as self-service (app, web or kiosk) at a low marginal cost",
    ),
    FlagRule(
        "per-use-subsidy",
        "medium",
        "scalability",
        "s_city_cost",
        "the city's per-use cost exceeds its per-use income and declared per-use benefits",
        "pay the same total as a fixed availability fee, so the city's cost stops growing with use",
    ),
    FlagRule(
        "no-payback",
        "high",
        "sustainability",
        "su_payback",
        "an investor does not get its outlay back, in present value, within its payback period",
        "agree a yearly repayment from the recipient of the investment (an annuity on the shortfall)",
    ),
    FlagRule(
        "no-open-standards",
        "high",
        "replicability",
        "r_open_standards",
        "no data flow uses a standard the registry lists as open",
        "mark the data flows with an open standard (NGSI-LD, or one the service already uses)",
    ),
    FlagRule(
        "local-dependency",
        "medium",
        "replicability",
        "r_generic_roles",
        "a platform operator, service provider or technology vendor is a named local organisation",
        "make it a generic role any city can fill (contracted by open tender)",
    ),
    FlagRule(
        "local-dependency",
        "low",
        "replicability",
        "r_preconditions",
        "a placed module needs local preconditions or is local by nature",
        "check the preconditions in the city that copies the service (a fact to check, not an edit)",
    ),
    FlagRule(
        "no-citizen-value",
        "high",
        "value_creation",
        "vc_citizen_value",
        "there are flows but no citizen segment receives anything",
        "add a service flow to the residents",
    ),
    FlagRule(
        "unmet-need",
        "medium",
        "value_creation",
        "vc_needs_served",
        "a recorded need is served by no flow that reaches the actor who has it",
        "record the flow that serves it, or add a service flow to the actor who has the need",
    ),
    FlagRule(
        "missing-quantities",
        "low",
        "sustainability",
        "",
        "money, grant or investment flows have no amount or no occurrences",
        "enter the figures; until then the flag says which criteria cannot be judged",
    ),
    FlagRule(
        "personal-data-without-consent",
        "high",
        "sustainability",
        "su_personal_data",
        "personal data leaves the citizens' side and no placed module declares consent",
        "place a consent module (e.g. mydata-consent), or share the data anonymised",
    ),
    FlagRule(
        "personal-data-sold",
        "high",
        "sustainability",
        "su_personal_data",
        "a personal-data flow X → Y comes with a money flow Y → X, consent or not",
        "remove the payment, or share the data anonymised as open data",
    ),
)
"""Every flag rule, in the order the checks run (a code raised two ways has two rules)."""

FLAGS_BY_CODE: Mapping[str, tuple[FlagRule, ...]] = MappingProxyType(
    {code: tuple(r for r in FLAGS if r.code == code) for code in dict.fromkeys(r.code for r in FLAGS)}
)


def markdown() -> str:
    """docs/flags.md: the registry as a page (the test compares the file with this)."""
    lines = [
        "# Flag codes",
        "",
        "<!-- Generated by `python -m canvas_app.flags > docs/flags.md` from canvas_app/flags.py; do not edit. -->",
        "",
        "A flag names a weakness of a configuration and the elements involved. Its `code` is stable",
        "(files, the JSON output and the command line carry it); its message comes from",
        "`canvas_app/messages.py`. A flag always lowers its criterion, which is always judged when it",
        "fires (see [scoring.md](scoring.md)). Severity: **high** stops the service from working as a",
        "business model, **medium** limits how it scales or lasts, **low** asks for a check or a figure.",
        "The remedies are what the editor proposes: library modules that declare the flag in",
        "`attributes.remedies`, and edits it verifies before showing them.",
        "",
        "| code | severity | score | criterion | raised when | remedy |",
        "|---|---|---|---|---|---|",
    ]
    for r in FLAGS:
        criterion = f"`{r.criterion}`" if r.criterion else "none"
        lines.append(
            f"| `{r.code}` | {r.severity} | {r.score.replace('_', ' ')} | {criterion} | {r.raised_when} | {r.remedy} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
