"""``canvas-app``: serve the editor, score and compare configuration files, work with the store.

Exit codes: 0 success, 2 invalid input (message on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from canvas_app import __version__, replication, report, stress
from canvas_app.analysis import evaluate, nine_blocks
from canvas_app.city_profile import load_profile
from canvas_app.cli import store, users
from canvas_app.compare import compare_configurations, element_names
from canvas_app.evaluation import SCORE_LABELS, SCORE_NAMES, Evaluation
from canvas_app.library import LibraryError, ModuleLibrary, load_library
from canvas_app.model import ConfigurationError, dump_configuration, json_schema, load_configuration
from canvas_app.shipped import shipped_dir
from canvas_app.web.app import serve
from canvas_app.web.settings import Settings, SettingsError

EXIT_OK, EXIT_INVALID = 0, 2


def _library(args: argparse.Namespace) -> ModuleLibrary:
    return load_library(args.settings.library_dirs)


def format_evaluation(evaluation: Evaluation, title: str, *, recommended: bool = True) -> str:
    """Human-readable report: scores with criteria, then flags with their recommendations."""
    lines = [title, "=" * len(title), ""]
    for name in SCORE_NAMES:
        score = evaluation.scores[name]
        if score.assessable:
            judged = " — provisional" if score.provisional else ""
            lines.append(
                f"{SCORE_LABELS[name]:<16} {score.score:5.1f} / 100  ({score.coverage:.0%} of its weight judged{judged})"
            )
        else:
            lines.append(f"{SCORE_LABELS[name]:<16}   not assessable (nothing to judge yet)")
        for c in score.criteria:
            shown = f"{c.value:4.2f}" if c.assessable else " n/a"
            lines.append(f"    {shown} ×{c.weight:g}  {c.label}: {c.explanation}")
    lines.append("")
    if not evaluation.flags:
        lines.append("No flags.")
    for flag in evaluation.flags:
        lowers = f", lowers {flag.criterion}" if flag.criterion else ""
        lines.append(f"[{flag.severity}] {flag.code} ({SCORE_LABELS[flag.dimension]}{lowers})")
        lines.append(f"    {flag.message}")
        lines.append(f"    elements: {', '.join(flag.elements) or '-'}")
        for rec in flag.recommendations:
            clears = ", clears the flag" if rec.clears_flag else ""
            lines.append(
                f"    → add '{rec.name}' ({rec.module}): {rec.gain:+.1f} {SCORE_LABELS[rec.dimension].lower()}{clears}"
            )
            if rec.reason:
                lines.append(f"      {rec.reason}")
        for suggestion in flag.suggestions:
            lines.append(f"    → change: {suggestion.text}")
        if recommended and not flag.recommendations:
            lines.append(
                "    (no library module closes this gap: it needs a change to the actors or flows"
                + (", as proposed above)" if flag.suggestions else ")")
            )
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> int:
    config = load_configuration(args.file)
    evaluation = evaluate(config, _library(args), recommend=not args.no_recommendations)
    if args.json:
        print(json.dumps(evaluation.to_dict(), indent=2, ensure_ascii=False))
    else:
        title = config.name + (f" ({config.city})" if config.city else "")
        print(format_evaluation(evaluation, title, recommended=not args.no_recommendations))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    configs = [load_configuration(f) for f in args.files]
    comparison = compare_configurations(configs, _library(args))
    if args.json:
        print(json.dumps(comparison.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK
    names = [chr(ord("A") + i) for i in range(len(configs))]
    for key, config in zip(names, configs):
        print(f"{key}: {config.name}")
    print()
    header = f"{'score':<16}" + "".join(f"{k:>8}" for k in names) + "".join(f"{'Δ' + k:>8}" for k in names[1:])
    print(header)
    for name in SCORE_NAMES:
        values = [e.scores[name].score for e in comparison.evaluations]
        deltas = "".join(f"{v - values[0]:>+8.1f}" for v in values[1:])
        print(f"{SCORE_LABELS[name]:<16}" + "".join(f"{v:>8.1f}" for v in values) + deltas)
    print()
    library = _library(args)

    def module_names(ids: Sequence[str]) -> str:
        definitions = [library.get(i) for i in ids]
        return ", ".join(d.name if d is not None else i for i, d in zip(ids, definitions)) or "-"

    for key, config, diff, modules in zip(names, configs, comparison.diffs, comparison.module_diffs):
        if key == "A":
            continue
        print(f"{key} against A: {diff.summary()}")
        if modules.added or modules.removed:
            print(f"    modules added: {module_names(modules.added)}; removed: {module_names(modules.removed)}")
        for noun in ("actors", "flows"):
            changes = getattr(diff, noun)
            if changes.added or changes.removed:  # names, never ids: added ones are B's, removed ones A's
                added = ", ".join(element_names(config, changes.added)) or "-"
                removed = ", ".join(element_names(configs[0], changes.removed)) or "-"
                print(f"    {noun} added: {added}; removed: {removed}")
    for key, unique in zip(names, comparison.unique_flags):
        if unique:
            print(f"Flags only {key} has: {', '.join(unique)}")
    print()
    print("Verdict:")
    for line in comparison.verdict:
        print(f"  - {line}")
    return EXIT_OK


SHOWN_EXITS = 20
"""Exits printed as text (the JSON lists every actor)."""


def _money(value: float) -> str:
    return f"{value:,.0f}"


def format_stress(
    config_name: str, results: list[stress.StressResult], exits: list[stress.Exit], names: dict[str, str]
) -> str:
    """Each saved scenario's score and flag changes and money lost, then the single-exit ranking (names only)."""
    lines = [f"Stress tests of {config_name}", ""]
    if not results:
        lines += ["No scenarios saved with this configuration (single exits below).", ""]
    for result in results:
        lines.append(f"{result.description}")
        if result.problem:
            lines += [f"    not run: {result.problem}", ""]
            continue
        changes = [
            f"{SCORE_LABELS[n]} {result.scores_before[n].score:.1f} → {result.scores_after[n].score:.1f}"
            for n in SCORE_NAMES
            if round(result.score_change(n), 1) != 0
        ]
        lines.append("    scores: " + ("; ".join(changes) if changes else "no change"))
        lines += [f"    + {f.message}" for f in result.flags_added]
        lines += [f"    − {f.message}" for f in result.flags_removed]
        lost = ", ".join(f"{names.get(a, a)} {_money(v)}" for a, v in result.losses.items())
        lines.append(
            f"    money lost by those who stay (NPV): {_money(result.damage)}" + (f" ({lost})" if lost else "")
        )
        if result.operator is not None:
            after = result.npv_after.get(result.operator)
            lines.append(
                f"    operator {names.get(result.operator, result.operator)} NPV: "
                f"{_money(result.npv_before[result.operator])} → {'gone' if after is None else _money(after)}"
            )
        lines.append("")
    lines += ["Single exits, most damaging first (money lost by those who stay, then score points lost)", ""]
    for e in exits[:SHOWN_EXITS]:
        if e.score_drop is None:
            drop = "scores not re-judged"
        else:
            drop = f"{abs(e.score_drop):.1f} score points {'lost' if e.score_drop >= 0 else 'gained'}"
        lines.append(f"  {e.name:<32} {_money(e.damage):>14}  {drop}, {e.flows_lost} flows")
    if len(exits) > SHOWN_EXITS:
        lines.append(f"  … {len(exits) - SHOWN_EXITS} more (--json lists every actor)")
    return "\n".join(lines)


def cmd_stress(args: argparse.Namespace) -> int:
    config = load_configuration(args.file)
    library = _library(args)
    results = stress.run_saved(config, library)
    exits = stress.all_single_exits(config, library)
    if args.json:
        out = {
            "scenarios": [r.to_dict(config) for r in results],
            "single_exits": stress.exits_to_dict(exits, config),
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
    else:
        print(format_stress(config.name, results, exits, {a.id: a.name for a in config.actors}))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    serve(
        args.host,
        args.port,
        args.database_url,
        debug=args.debug,
        open_network=args.open_without_accounts,
        module_dirs=tuple(Path(p) for p in args.modules or ()),
    )
    return EXIT_OK


def cmd_config(args: argparse.Namespace) -> int:
    """Print the settings this process would run with, and where each comes from, secrets masked."""
    settings = Settings.from_env(env_file=args.env_file) if args.env_file else args.settings
    for line in settings.describe(args.env_file):
        print(line)
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML or XLSX report of one configuration file, or of a comparison of two to four."""

    out: Path = args.output
    if out.exists() and not args.force:
        print(f"canvas-app: {out} exists; nothing was written (pass --force to replace it)", file=sys.stderr)
        return EXIT_INVALID
    configs = [load_configuration(f) for f in args.files]
    library = _library(args)
    xlsx = out.suffix.lower() == ".xlsx"
    if len(configs) == 1:
        evaluation = evaluate(configs[0], library)
        data = (
            report.configuration_workbook(configs[0], evaluation)
            if xlsx
            else report.report_html(
                report.configuration_report(configs[0], evaluation, blocks=nine_blocks(configs[0], library))
            ).encode("utf-8")
        )
    else:
        comparison = compare_configurations(configs, library, recommend=not xlsx)
        data = (
            report.comparison_workbook(comparison)
            if xlsx
            else report.report_html(report.comparison_report(comparison)).encode("utf-8")
        )
    out.write_bytes(data)
    print(f"wrote {out} ({len(data):,} bytes)")
    return EXIT_OK


def _pairs(values: Sequence[str] | None, option: str) -> dict[str, str]:
    """``OLD=NEW`` arguments as a dict; a value without ``=`` or with an empty side is refused."""
    pairs: dict[str, str] = {}
    for value in values or ():
        old, sep, new = value.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ConfigurationError(
                [f"{option} {value!r}: write it as OLD=NEW (the organisation's name, then its counterpart's)"]
            )
        pairs[old.strip()] = new.strip()
    return pairs


def cmd_replicate(args: argparse.Namespace) -> int:
    """Write the replica of a configuration file for the city of a profile, and print the replication plan."""
    out: Path = args.output
    if out.exists() and not args.force:
        print(f"canvas-app: {out} exists; nothing was written (pass --force to replace it)", file=sys.stderr)
        return EXIT_INVALID
    config = load_configuration(args.file)
    target = load_profile(args.profile)
    source = load_profile(args.from_profile) if args.from_profile else None
    named = {old: replication.Substitution(new) for old, new in _pairs(args.substitute, "--substitute").items()}
    named |= {old: replication.Substitution(new, local=False) for old, new in _pairs(args.generic, "--generic").items()}
    substitutions = replication.substitutions_by_name(config, named)
    result = replication.replicate(config, _library(args), source, target, substitutions)
    out.write_text(dump_configuration(result.replica) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(result.plan.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(replication.plan_lines(result.plan)))
        print(f"\nwrote {out}")
    return EXIT_OK


def cmd_examples(args: argparse.Namespace) -> int:
    """Print where the shipped example configurations are (installed from a wheel, they are inside the package)."""

    for path in sorted(shipped_dir("examples").glob("*.json")):
        print(path)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="canvas-app",
        description=__doc__.splitlines()[0],
        epilog="With no command, canvas-app serves the web app: `canvas-app --port 8061` is `canvas-app serve --port 8061`.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--modules",
        action="append",
        metavar="DIR",
        help="an extra folder of module files (repeatable; also CITYCANVAS_MODULE_PATH)",
    )
    sub = parser.add_subparsers(dest="command")

    serve = sub.add_parser("serve", help="start the web app (the default command)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--database-url", default=None, help="SQLAlchemy URL (default: DATABASE_URL, else SQLite)")
    serve.add_argument(
        "--open-without-accounts",
        action="store_true",
        help="serve on a network address with accounts off (anyone who reaches it owns every workspace)",
    )
    serve.add_argument("--debug", action="store_true")
    serve.set_defaults(func=cmd_serve)

    score = sub.add_parser("score", help="validate a configuration file and print scores, flags, recommendations")
    score.add_argument("file", type=Path)
    score.add_argument("--json", action="store_true", help="print JSON")
    score.add_argument("--no-recommendations", action="store_true", help="skip the (slower) recommendations")
    score.set_defaults(func=cmd_score)

    compare = sub.add_parser("compare", help="compare two to four configuration files")
    compare.add_argument("files", type=Path, nargs="+")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(func=cmd_compare)

    report = sub.add_parser("report", help="write the HTML or XLSX report of a file, or of a comparison of 2-4 files")
    report.add_argument("files", type=Path, nargs="+")
    report.add_argument("-o", "--output", type=Path, required=True, help="report.html or report.xlsx")
    report.add_argument("--force", action="store_true", help="replace the output file if it exists")
    report.set_defaults(func=cmd_report)

    replicate = sub.add_parser(
        "replicate", help="write a configuration's replica for another city and print the replication plan"
    )
    replicate.add_argument("file", type=Path)
    replicate.add_argument("--profile", type=Path, required=True, help="the target city's profile (JSON)")
    replicate.add_argument(
        "--from-profile", type=Path, default=None, help="the source city's profile (its population and currency)"
    )
    replicate.add_argument(
        "--substitute",
        action="append",
        metavar="OLD=NEW",
        help="a named local organisation and its counterpart in the target city (repeatable)",
    )
    replicate.add_argument(
        "--generic",
        action="append",
        metavar="OLD=ROLE",
        help="a named local organisation to turn into a generic role of that name (repeatable)",
    )
    replicate.add_argument("-o", "--output", type=Path, required=True, help="the replica's file (JSON)")
    replicate.add_argument("--force", action="store_true", help="replace the output file if it exists")
    replicate.add_argument("--json", action="store_true", help="print the plan as JSON")
    replicate.set_defaults(func=cmd_replicate)
    stress_ = sub.add_parser("stress", help="run a file's saved stress tests and rank every actor's exit by its damage")
    stress_.add_argument("file", type=Path)
    stress_.add_argument("--json", action="store_true", help="print JSON")
    stress_.set_defaults(func=cmd_stress)

    examples = sub.add_parser("examples", help="print the paths of the example configurations shipped with CityCanvas")
    examples.set_defaults(func=cmd_examples)

    schema = sub.add_parser("schema", help="print the JSON Schema of citycanvas/1")
    schema.set_defaults(func=cmd_schema)

    config = sub.add_parser("config", help="print the effective settings (secrets masked) and where each comes from")
    config.add_argument(
        "--env-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="also read this environment file (e.g. /etc/citycanvas/citycanvas.env); the environment wins",
    )
    config.set_defaults(func=cmd_config)

    store.register(sub)
    users.register(sub)
    return parser


def with_default_command(argv: Sequence[str], commands: Sequence[str]) -> list[str]:
    """``argv`` with ``serve`` put where the command stands when none is named (after the global options).

    >>> with_default_command(["--modules", "x", "--port", "8061"], ["serve", "score"])
    ['--modules', 'x', 'serve', '--port', '8061']
    >>> with_default_command(["score", "a.json"], ["serve", "score"]), with_default_command(["--version"], ["serve"])
    (['score', 'a.json'], ['--version'])
    """
    argv = list(argv)
    i = 0
    while i < len(argv):
        token = argv[i]
        if token in commands or token in ("-h", "--help", "--version"):
            return argv
        if token == "--modules":
            i += 2
        elif token.startswith("--modules="):
            i += 1
        else:
            break
    return [*argv[:i], "serve", *argv[i:]]


def parse_arguments(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed, ``serve`` being the command when none is named."""
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    return parser.parse_args(with_default_command(argv, list(commands)))


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings, read once; ``--modules`` and ``--database-url`` are given, the rest comes from the environment.

    Commands then read ``args.database_url`` (filled in from ``DATABASE_URL`` when not given) and ``args.settings``.
    """
    settings = Settings.from_env(module_dirs=tuple(Path(p) for p in args.modules or ()) or None)
    if getattr(args, "database_url", "absent") is None:
        args.database_url = settings.database_url
    return settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parse_arguments(parser, sys.argv[1:] if argv is None else argv)
    if args.command == "compare" and not 2 <= len(args.files) <= 4:
        parser.error("compare takes two to four files")
    if args.command == "report" and (len(args.files) > 4 or args.output.suffix.lower() not in (".html", ".xlsx")):
        parser.error("report takes one file, or two to four to compare, and an output ending in .html or .xlsx")
    try:
        args.settings = settings_for(args)
        return int(args.func(args))
    except SettingsError as exc:
        print(f"canvas-app: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except (ConfigurationError, LibraryError) as exc:
        print(f"canvas-app: invalid input:\n{exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
