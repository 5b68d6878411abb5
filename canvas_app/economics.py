"""Money over time: each actor's cash year by year, its payback and net present value.

The scores read one period (a year, a month...). A city's finance officer also asks what happens
over the life of the service: who puts money in up front, when they get it back, and what the
city itself pays as use grows. This module answers with e3value's time-series view (Gordijn &
Akkermans, *Value-based requirements engineering*, 2003; Kort & Gordijn, "Modeling strategic
partnerships using the e3value ontology", 2008): year 0 holds the one-off payments (investments
and capital costs); years 1 to the horizon hold every recurring flow that runs that year (a
flow with a ``term_years`` stops after its term) and the actors' own running costs.

Declared benefits (``unit_benefits``) are public value put in money terms; they are shown beside
the cash and never added to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from canvas_app.criteria import DISCOUNT_RATE, HORIZON_YEARS
from canvas_app.ecosystem import Ecosystem
from canvas_app.model import FINANCIAL_KINDS, PERIODS_PER_YEAR, PUBLIC_TYPES, Flow, FlowKind


@dataclass(frozen=True)
class CashPosition:
    """One actor's cash, year 0 to the horizon."""

    actor: str
    yearly: tuple[float, ...]  # net cash in each year, year 0 first
    discount_rate: float
    payback_limit: int  # the year by which an outlay should be back (its investments' payback_years, else the horizon)

    @property
    def horizon(self) -> int:
        return len(self.yearly) - 1

    @property
    def outlay(self) -> float:
        """Cash put in up front (year 0): investments made and capital costs, less investment received."""
        return max(0.0, -self.yearly[0])

    @property
    def cumulative(self) -> tuple[float, ...]:
        total, out = 0.0, []
        for value in self.yearly:
            total += value
            out.append(total)
        return tuple(out)

    @property
    def discounted_cumulative(self) -> tuple[float, ...]:
        total, out = 0.0, []
        for year, value in enumerate(self.yearly):
            total += value / (1 + self.discount_rate) ** year
            out.append(total)
        return tuple(out)

    @property
    def npv(self) -> float:
        """Net present value over the horizon at the configuration's discount rate."""
        return self.discounted_cumulative[-1]

    @staticmethod
    def _back_in(series: tuple[float, ...]) -> int | None:
        """First year the running total is back at zero or above after an outlay (0: never below)."""
        if series[0] >= 0:
            return 0
        return next((year for year, total in enumerate(series) if total >= 0), None)

    @property
    def payback_year(self) -> int | None:
        """Simple payback: the year the cumulative cash is back at zero; None: not within the horizon."""
        return self._back_in(self.cumulative)

    @property
    def discounted_payback_year(self) -> int | None:
        """Discounted payback (what the payback criterion judges); None: not within the horizon."""
        return self._back_in(self.discounted_cumulative)

    @property
    def recovered(self) -> float:
        """Share of the outlay recovered, in present value, by the payback limit (1: paid back)."""
        if self.outlay <= 0:
            return 1.0
        limit = min(self.payback_limit, self.horizon)
        back = self.discounted_cumulative[limit] - self.discounted_cumulative[0]
        return max(0.0, min(1.0, back / self.outlay))

    @property
    def pays_back(self) -> bool:
        year = self.discounted_payback_year
        return year is not None and year <= self.payback_limit


@dataclass(frozen=True)
class CityPosition:
    """The public budget's money per period (the city and public agencies pooled), split by what grows with use."""

    actors: tuple[str, ...]
    net: float  # per period, cash
    per_use_cost: float  # money paid per period on per-use flows, and own costs per use
    per_use_income: float  # money received per period on per-use flows
    per_use_benefit: float  # declared benefits per period on per-use flows (not cash)
    subsidised_flows: tuple[str, ...]  # per-use flows the public budget pays for

    @property
    def per_use_cover(self) -> float | None:
        """Share of the city's per-use cost that per-use income and declared benefits cover (None: no per-use cost)."""
        if self.per_use_cost <= 0:
            return None
        return (self.per_use_income + self.per_use_benefit) / self.per_use_cost

    def net_at(self, growth: float) -> float:
        """Cash per period if use grew ``growth`` times (declared benefits excluded: they are not cash)."""
        return self.net + (growth - 1.0) * (self.per_use_income - self.per_use_cost)


class Economics:
    """The time view of one ecosystem, computed once and read by criteria, flags, report and charts."""

    def __init__(self, eco: Ecosystem, horizon: int, discount_rate: float):
        self.eco = eco
        self.horizon = horizon
        self.discount_rate = discount_rate
        self.years_per_period = PERIODS_PER_YEAR[eco.config.period]

    def complete(self, actor_id: str) -> bool:
        """All the actor's money, grant and investment flows have amounts (a partial sum is no evidence)."""
        eco = self.eco
        flows = [*eco.in_flows.get(actor_id, ()), *eco.out_flows.get(actor_id, ())]
        return all(f.amount is not None for f in flows if f.kind in FINANCIAL_KINDS)

    def _one_off(self, flow: Flow) -> float:
        return flow.value_per_period or 0.0

    def _last_year(self, flow: Flow) -> int:
        """The last year a recurring flow runs within the horizon (investments run in year 0 only)."""
        return self.horizon if flow.term_years is None else min(flow.term_years, self.horizon)

    def cash(self, actor_id: str) -> CashPosition:
        eco = self.eco
        actor = eco.actors[actor_id]
        ppy = self.years_per_period
        one_off = -(actor.capital_cost or 0.0)
        per_year = [0.0] * (self.horizon + 1)  # recurring net by year (index 0 unused)
        for sign, flows in ((1.0, eco.in_flows.get(actor_id, ())), (-1.0, eco.out_flows.get(actor_id, ()))):
            for flow in flows:
                if flow.kind not in FINANCIAL_KINDS or flow.amount is None:
                    continue
                value = flow.value_per_period or 0.0
                if flow.kind is FlowKind.INVESTMENT:
                    one_off += sign * value
                    continue
                for year in range(1, self._last_year(flow) + 1):
                    per_year[year] += sign * value * ppy
        fixed = (actor.fixed_cost or 0.0) * ppy
        for year in range(1, self.horizon + 1):
            per_year[year] -= fixed
        for flow_id, unit_cost in actor.unit_costs.items():
            flow = eco.flow_by_id[flow_id]
            cost = unit_cost * (flow.occurrences if flow.occurrences is not None else 1.0) * ppy
            for year in range(1, self._last_year(flow) + 1):
                per_year[year] -= cost
        per_year[0] = one_off
        limits = [
            f.payback_years
            for f in eco.out_flows.get(actor_id, ())
            if f.kind is FlowKind.INVESTMENT and f.payback_years is not None
        ]
        return CashPosition(actor_id, tuple(per_year), self.discount_rate, min(limits) if limits else self.horizon)

    @cached_property
    def positions(self) -> dict[str, CashPosition]:
        """Every actor with money figures and all its financial flows complete."""
        return {
            a: self.cash(a)
            for a in self.eco.actors
            if self.complete(a) and (self.eco.net_values[a].has_amounts or self._has_one_offs(a))
        }

    def _has_one_offs(self, actor_id: str) -> bool:
        actor = self.eco.actors[actor_id]
        return bool(actor.capital_cost) or any(
            f.kind is FlowKind.INVESTMENT and f.amount is not None
            for f in (*self.eco.in_flows.get(actor_id, ()), *self.eco.out_flows.get(actor_id, ()))
        )

    @cached_property
    def investor_positions(self) -> dict[str, CashPosition]:
        """Cash of the actors that invest or carry a capital cost, with complete money figures.

        Only they can have an outlay, so criteria and flags count only them year by year (the
        positions of every actor are for the report)."""
        eco = self.eco
        return {
            a: self.cash(a)
            for a, actor in eco.actors.items()
            if (actor.capital_cost or any(f.kind is FlowKind.INVESTMENT for f in eco.out_flows.get(a, ())))
            and self.complete(a)
        }

    @cached_property
    def investors(self) -> list[str]:
        """Actors who put cash in up front, in the order the configuration lists them."""
        return [a for a, position in self.investor_positions.items() if position.outlay > 0]

    @cached_property
    def unjudged_investors(self) -> list[str]:
        """Actors who invest or carry a capital cost but whose money flows lack amounts."""
        eco = self.eco
        return [
            a
            for a, actor in eco.actors.items()
            if a not in self.investor_positions
            and (actor.capital_cost or any(f.kind is FlowKind.INVESTMENT for f in eco.out_flows.get(a, ())))
        ]

    @cached_property
    def city(self) -> CityPosition | None:
        """The public budget's position, when a public actor exchanges money with figures; else None."""
        eco = self.eco
        public = [a for a, actor in eco.actors.items() if actor.type in PUBLIC_TYPES and eco.net_values[a].has_amounts]
        if not public:
            return None
        in_public = set(public)
        cost = income = benefit = 0.0
        subsidised: list[str] = []
        for flow in eco.flows:
            if flow.kind is not FlowKind.MONEY or not flow.per_use or flow.amount is None:
                continue
            value = flow.value_per_period or 0.0
            if flow.source in in_public and flow.target not in in_public:
                cost += value
                subsidised.append(flow.id)
            elif flow.target in in_public and flow.source not in in_public:
                income += value
        for actor_id in public:
            actor = eco.actors[actor_id]
            for flow_id, unit_cost in actor.unit_costs.items():
                flow = eco.flow_by_id[flow_id]
                if flow.per_use:
                    cost += unit_cost * (flow.occurrences or 0.0)
                    if flow.id not in subsidised:
                        subsidised.append(flow.id)
            for flow_id, unit_benefit in actor.unit_benefits.items():
                flow = eco.flow_by_id[flow_id]
                if flow.per_use:
                    benefit += unit_benefit * (flow.occurrences or 0.0)
        net = sum(eco.net_values[a].net for a in public)
        return CityPosition(tuple(public), net, cost, income, benefit, tuple(subsidised))


def economics_of(eco: Ecosystem) -> Economics:
    """The time view of ``eco`` with the configuration's horizon and discount rate (its ``parameters``, else the
    defaults), built once per ecosystem: criteria, flags and report share it.

    The horizon stretches to the longest ``payback_years`` of an investment, so an investor that agreed to wait
    20 years is judged on 20, not cut off at 10.
    """
    cached: Economics | None = eco.__dict__.get("_economics")
    if cached is not None:
        return cached
    parameters = eco.config.parameters
    horizon = round(parameters.get("horizon_years", HORIZON_YEARS))
    horizon = max([horizon, *(f.payback_years for f in eco.flows if f.payback_years is not None)])
    economics = Economics(eco, horizon, float(parameters.get("discount_rate", DISCOUNT_RATE)))
    eco.__dict__["_economics"] = economics
    return economics
