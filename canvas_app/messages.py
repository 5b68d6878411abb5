"""Message templates for flags and criteria: one place, whole sentences, singular and plural.

Every user-facing sentence the analysis builds comes from :data:`TEMPLATES`, keyed by a stable
message id, with one form for one element and one for several. Sentences are never glued
together from grammatical fragments, so a translator can replace the catalogue as a whole
(the keys stay, the texts change) and agreement stays right in every language.

>>> say("no-return", 1, names="Merchants")
'Merchants gives value but receives none: it has no reason to stay.'
>>> say("no-return", 2, names="Merchants, Drivers")
'Merchants, Drivers give value but receive none: they have no reason to stay.'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

TEMPLATES: Mapping[str, tuple[str, str]] = {
    # flags (one element, several elements)
    "isolated-actor": ("{names} neither gives nor gets any value.", "{names} neither give nor get any value."),
    "disconnected-ecosystem": (
        "The ecosystem falls into {parts} separate parts; {names} exchanges nothing with the main part.",
        "The ecosystem falls into {parts} separate parts; {names} exchange nothing with the main part.",
    ),
    "no-return": (
        "{names} gives value but receives none: it has no reason to stay.",
        "{names} give value but receive none: they have no reason to stay.",
    ),
    "free-rider": (
        "{names} receives value but gives nothing back.",
        "{names} receive value but give nothing back.",
    ),
    "no-revenue": ("{operator} receives no money, grant or investment.",) * 2,
    "negative-net-value": (
        "A business actor loses money each {period} on its operating flows ({detail}).",
        "Business actors lose money each {period} on their operating flows ({detail}).",
    ),
    "grant-dependent": ("{share} of the income of {operator} is grants: the service stops when they end.",) * 2,
    "funding-concentration": (
        "Most of the income of {operator} comes from one payer, {payer} (Herfindahl index {hhi}): "
        "losing that payer ends the service.",
    )
    * 2,
    "single-point-of-failure": (
        "Without {names} the ecosystem falls apart: it is the only link between some actors and the rest.",
        "Without {names} the ecosystem falls apart: each is the only link between some actors and the rest.",
    ),
    "vendor-lock-in": (
        "{names} sits at the centre of the ecosystem or carries its data on closed interfaces: "
        "the city cannot change vendor or copy the service elsewhere.",
        "{names} sit at the centre of the ecosystem or carry its data on closed interfaces: "
        "the city cannot change vendor or copy the service elsewhere.",
    ),
    "not-multi-sided": (
        "{platform} does not connect two distinct sides (a group that supplies service or data through it as its "
        "customer, and another group that uses it).",
    )
    * 2,
    "not-multi-sided-suppliers": (
        "{platform} does not connect two distinct sides: {names} only supplies it or is paid by it, an input "
        "supplier, not a side (a side uses the platform or supplies through it as its customer).",
        "{platform} does not connect two distinct sides: {names} only supply it or are paid by it, input "
        "suppliers, not sides (a side uses the platform or supplies through it as its customer).",
    ),
    "no-network-effects": ("No cross-side value loop runs {where}: more users do not attract more providers.",) * 2,
    "high-marginal-cost": ("Serving one more user is expensive ({labels}).",) * 2,
    "no-open-standards": (
        "The data flow uses no open interoperability standard from the registry (such as NGSI-LD or the OASC MIMs).",
        "None of the {count} data flows uses an open interoperability standard from the registry "
        "(such as NGSI-LD or the OASC MIMs).",
    ),
    "local-dependency-roles": (
        "A core role is a named local organisation ({names}); another city has no such partner.",
        "Core roles are named local organisations ({names}); another city has no such partners.",
    ),
    "local-dependency-preconditions": (
        "A module needs local preconditions{what}.",
        "Modules need local preconditions{what}.",
    ),
    "no-payback": (
        "{names} does not get its outlay back within its horizon ({detail}).",
        "{names} do not get their outlay back within their horizon ({detail}).",
    ),
    "per-use-subsidy": (
        "The city pays per use ({labels}) and gets back less per use than it pays ({detail}): its cost grows with "
        "every ride, visit or transaction.",
    )
    * 2,
    "no-citizen-value": ("No citizen segment receives a service or any other value.",) * 2,
    "unmet-need": (
        "No flow delivers value to the actor that has the need {names}.",
        "No flow delivers value to the actors that have the needs {names}.",
    ),
    "missing-quantities": (
        "A money flow has no amount or no occurrences ({labels}); {unjudged}.",
        "{count} money flows have no amount or no occurrences ({labels}); {unjudged}.",
    ),
    "personal-data-without-consent": (
        "Personal data leaves the citizens it describes ({labels}) and no consent service is placed: "
        "nobody can give or withdraw consent (GDPR Art. 6–7).",
        "Personal data leaves the citizens it describes in {count} flows ({labels}) and no consent service is "
        "placed: nobody can give or withdraw consent (GDPR Art. 6–7).",
    ),
    "personal-data-sold": (
        "Personal data is sold: {buyers} pays for {labels}. The payment counts in no score.",
        "Personal data is sold: {buyers} pay for {labels}. The payments count in no score.",
    ),
}


def say(key: str, count: int, **values: object) -> str:
    """The sentence ``key`` for ``count`` elements (1: the singular form), filled with ``values``."""
    one, many = TEMPLATES[key]
    return (one if count == 1 else many).format(count=count, **values)


def name_list(names: Iterable[str], limit: int = 4) -> str:
    """Names joined for a sentence, the rest counted: 'A, B and C', 'A, B, C, D and 3 more'.

    >>> name_list(["A"])
    'A'
    >>> name_list(["A", "B", "C"])
    'A, B and C'
    >>> name_list(list("ABCDEF"))
    'A, B, C, D and 2 more'
    """
    names = list(names)
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit} more"
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def count_of(count: int, one: str, many: str) -> str:
    """'1 actor', '3 actors'.

    >>> count_of(1, "actor", "actors"), count_of(0, "actor", "actors")
    ('1 actor', '0 actors')
    """
    return f"{count} {one if count == 1 else many}"
