"""`rotation`: solve a scenario, check a hand-made plan, explain a teacher or a school, roll a
county forward a year, validate a bundle, generate a county.

Exit codes are the contract scripts rely on: 0 success, 1 input error (every problem printed
to stderr with its file, row and column), 2 hard rules violated or colliding, 3 time out without
a plan. Results go to stdout; problems, warnings (an unknown column, skipped) and progress to
stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from types import ModuleType

from optimizer.advance import advance
from optimizer.errors import LANGS, Problem, ScenarioError
from optimizer.explain import explanation_json
from optimizer.explain.school import SchoolExplanation, explain_school, school_of
from optimizer.explain.teacher import TeacherExplanation, explain_teacher, teacher_of
from optimizer.generate import PRESETS, CountyParams, preset, write_generated_bundle
from optimizer.io import load_scenario, write_bundle
from optimizer.io.outputs import write_outputs
from optimizer.io.plan_workbook import read_plan_workbook
from optimizer.io.regions import bundle_warnings
from optimizer.io.roadmap_outputs import write_roadmap
from optimizer.io.staffing_csv import (
    LEADERS_FILE,
    LeaderMismatch,
    leader_mismatches,
    read_plan_files,
    read_plan_folder,
)
from optimizer.io.template import TEMPLATE_LANGS, write_template
from optimizer.io.workbook import WORKBOOK_SUFFIXES
from optimizer.options import ENGINES, EngineSettings, Listeners, ModelEdits
from optimizer.plan import STATUSES, RuleRow, Summary
from optimizer.process_exit import exit_process
from optimizer.regional import bundle_splits, plan_bundle, solve_scenario
from optimizer.report import hard_violations
from optimizer.result import SHORTFALL_UNITS, Result
from optimizer.roadmap import METHODS, plan_roadmap
from optimizer.rules import all_rules, example, indicator_label, is_eligible, leaders_after, shortage_posts
from optimizer.scenario import Scenario
from optimizer.solve import plan_result, solve

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_HARD = 2
EXIT_TIMEOUT = 3
SHOWN_VIOLATIONS = 20  # after a solve; the rest are in report.json


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ScenarioError as error:
        _print_problems(error.problems, args.lang)
        return EXIT_INPUT


def _print_problems(problems: Sequence[Problem], lang: str) -> None:
    """Every input problem on stderr, in the --lang language, placed as the API's `place` says."""
    heading = {"zh": f"输入有误:共 {len(problems)} 个问题", "en": f"input error: {len(problems)} problem(s)"}
    print(heading[lang], file=sys.stderr)
    for problem in problems:
        print(f"  {problem.text(lang)}", file=sys.stderr)


def _print_warnings(warnings: Sequence[Problem], lang: str) -> None:
    """What the loader skipped, on stderr like the problems; the command goes on."""
    if not warnings:
        return
    heading = {
        "zh": f"输入警告:共 {len(warnings)} 条,已忽略并继续",
        "en": f"input warning: {len(warnings)} warning(s), skipped and going on",
    }
    print(heading[lang], file=sys.stderr)
    for warning in warnings:
        print(f"  {warning.text(lang)}", file=sys.stderr)


def _add_gap(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--gap",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="stop once the plan is proven within this share of the optimum (0.001: 0.1 %%); "
        "default 0: until proven optimal or out of time",
    )


def _settings(
    args: argparse.Namespace, workers: int = EngineSettings.workers, engine: str = EngineSettings.engine
) -> EngineSettings | None:
    """The engine settings of the command's --time-limit, --seed and --gap, or None when --gap is
    no share (the error said)."""
    if not 0.0 <= args.gap < 1.0:
        _print_error(
            args.lang,
            f"--gap 应为 0 到 1 之间(不含 1)的比例,如 0.001 即 0.1%;收到 {args.gap:g}",
            f"--gap must be a share from 0 up to (not including) 1, e.g. 0.001 for 0.1 %; got {args.gap:g}",
        )
        return None
    return EngineSettings(
        time_limit=args.time_limit, workers=workers, seed=args.seed, engine=engine, gap_limit=args.gap
    )


def _print_error(lang: str, zh: str, en: str) -> None:
    """An error exit's sentence on stderr, in the --lang language."""
    print(zh if lang == "zh" else en, file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rotation",
        description="Teacher rotation planning (县域教师交流轮岗) with OR-Tools CP-SAT.",
        epilog="Exit codes: 0 ok, 1 input error, 2 hard rules violated or in conflict, "
        "3 time out without a plan.",
    )
    parser.set_defaults(lang="zh")  # the service commands report no input problems: no --lang
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    solve_cmd = commands.add_parser("solve", help="plan this year's rotation and write the plan files")
    solve_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    solve_cmd.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="folder for plan.csv, report.json, ..."
    )
    solve_cmd.add_argument("--time-limit", type=float, default=60.0, metavar="S", help="seconds (default 60)")
    solve_cmd.add_argument(
        "--workers",
        type=int,
        default=EngineSettings.workers,
        metavar="N",
        help="CP-SAT search workers (default %(default)s: the full portfolio, even on 2 cores)",
    )
    solve_cmd.add_argument("--seed", type=int, default=0, metavar="N", help="solver random seed")
    _add_gap(solve_cmd)
    solve_cmd.add_argument(
        "--engine",
        choices=ENGINES,
        default=EngineSettings.engine,
        help="auto (default): HiGHS (LP bound, then MIPs restricted by reduced costs) proves the "
        "optimum or hands its plan and bound to CP-SAT to finish; cp-sat: CP-SAT alone",
    )
    solve_cmd.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="plan independent regions on a Dask cluster: a scheduler address (tcp://host:8786) or "
        "'local' for a LocalCluster; default: a local process pool",
    )
    solve_cmd.add_argument(
        "--processes",
        type=int,
        metavar="N",
        help="regions solved at once on the local pool or LocalCluster (default: the cores)",
    )
    _add_set(solve_cmd)
    solve_cmd.add_argument(
        "--hint",
        type=Path,
        metavar="PLAN.csv",
        help="a plan.csv to start the search from (with recruitment.csv and itinerant.csv in its folder)",
    )
    solve_cmd.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    _add_lang(solve_cmd)
    solve_cmd.set_defaults(run=_solve)

    check_cmd = commands.add_parser("check", help="check a plan (e.g. made by hand) against every rule")
    check_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    check_cmd.add_argument(
        "plan",
        type=Path,
        metavar="PLAN.csv|PLAN.xlsx",
        help="the plan to check: a plan.csv (recruitment.csv, itinerant.csv and leaders.csv in its folder "
        "are read too) or the plan.xlsx solve writes, as HR edited it (.xls and WPS .et too)",
    )
    _add_set(check_cmd)
    _add_lang(check_cmd)
    check_cmd.add_argument("--json", action="store_true", help="print the full report as JSON")
    check_cmd.set_defaults(run=_check)

    explain_cmd = commands.add_parser(
        "explain", help="why a teacher moves or stays, or what the plan does to a school"
    )
    explain_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    subject = explain_cmd.add_mutually_exclusive_group(required=True)
    subject.add_argument("--teacher", metavar="ID", help="explain this teacher")
    subject.add_argument("--school", metavar="ID", help="explain this school")
    explain_cmd.add_argument(
        "--plan",
        type=Path,
        metavar="PLAN.csv",
        help="the plan to explain, with recruitment.csv and itinerant.csv in its folder "
        "(default: solve the scenario)",
    )
    explain_cmd.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds per solve: the plan and each what-if of a teacher (default 60)",
    )
    _add_set(explain_cmd)
    _add_lang(explain_cmd)
    explain_cmd.add_argument("--json", action="store_true", help="print the explanation as JSON")
    explain_cmd.set_defaults(run=_explain)

    advance_cmd = commands.add_parser(
        "advance", help="write next year's bundle: this year's plan carried out and the year served"
    )
    advance_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    advance_cmd.add_argument(
        "--plan",
        type=Path,
        required=True,
        metavar="PLAN_DIR",
        help="the folder `rotation solve --out` writes: plan.csv, recruitment.csv, itinerant.csv and "
        "leaders.csv (a missing or empty file: nothing of that kind)",
    )
    advance_cmd.add_argument(
        "--out", type=Path, required=True, metavar="NEXT", help="folder for next year's bundle"
    )
    _add_lang(advance_cmd)
    advance_cmd.set_defaults(run=_advance)

    roadmap_cmd = commands.add_parser(
        "roadmap", help="plan several years so that policy.toml's [targets] are met by their year"
    )
    roadmap_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    roadmap_cmd.add_argument("--years", type=int, default=3, metavar="N", help="years to plan (default 3)")
    roadmap_cmd.add_argument(
        "--out", type=Path, required=True, metavar="DIR", help="roadmap.json, roadmap.xlsx, <year>/"
    )
    roadmap_cmd.add_argument(
        "--method",
        choices=METHODS,
        default=METHODS[0],
        help="rolling: each year alone, a target holds from its year on; path: the years before also "
        "hold its indicator to a straight path towards it; auto (default): rolling, and path too "
        "when a target is missed, keeping the better",
    )
    roadmap_cmd.add_argument(
        "--time-limit",
        type=float,
        default=60.0,
        metavar="S",
        help="seconds per year on average: the roadmap keeps to years × S in all, a year proved early "
        "leaving its time to the years after (default 60)",
    )
    roadmap_cmd.add_argument("--seed", type=int, default=0, metavar="N", help="solver random seed")
    _add_gap(roadmap_cmd)
    _add_set(roadmap_cmd)
    _add_lang(roadmap_cmd)
    roadmap_cmd.set_defaults(run=_roadmap)

    validate_cmd = commands.add_parser("validate", help="load a scenario and report every input problem")
    validate_cmd.add_argument(
        "bundle", type=Path, metavar="BUNDLE", help="scenario folder, .xlsx workbook or .json document"
    )
    _add_lang(validate_cmd)
    validate_cmd.set_defaults(run=_validate)

    template_cmd = commands.add_parser(
        "template", help="write the empty scenario workbook HR fills in, with notes and value lists"
    )
    template_cmd.add_argument("out", type=Path, metavar="OUT.xlsx", help="workbook to write")
    template_cmd.add_argument(
        "--lang",
        choices=TEMPLATE_LANGS,
        default="zh",
        help="headers and notes in Chinese or English (default zh)",
    )
    template_cmd.set_defaults(run=_template)

    generate_cmd = commands.add_parser("generate", help="write a generated county as a scenario bundle")
    generate_cmd.add_argument(
        "--preset", choices=sorted(PRESETS), metavar="NAME", help=f"start from a preset: {', '.join(PRESETS)}"
    )
    generate_cmd.add_argument(
        "--teachers", type=int, metavar="N", help=f"teachers (default {CountyParams.teachers})"
    )
    generate_cmd.add_argument(
        "--schools", type=int, metavar="N", help=f"schools (default {CountyParams.schools})"
    )
    generate_cmd.add_argument(
        "--regions", type=int, metavar="N", help=f"counties (default {CountyParams.regions})"
    )
    generate_cmd.add_argument(
        "--seed", type=int, metavar="N", help=f"random seed (default {CountyParams.seed})"
    )
    generate_cmd.add_argument(
        "--year", type=int, metavar="N", help=f"plan year (default {CountyParams.year})"
    )
    generate_cmd.add_argument(
        "--name", help="scenario name (default: the preset's or the output folder's name)"
    )
    _add_set(generate_cmd)
    generate_cmd.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes building regions at once (default: one per CPU); the files do not depend on it",
    )
    generate_cmd.add_argument("--out", type=Path, required=True, metavar="DIR", help="bundle folder to write")
    _add_lang(generate_cmd)
    generate_cmd.set_defaults(run=_generate)

    serve_cmd = commands.add_parser("serve", help="start the HTTP service (the JSON API under /v1)")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default %(default)s)")
    _add_db(serve_cmd)
    serve_cmd.add_argument(
        "--demo", action="store_true", help="load scenarios/demo-county and print a new admin key"
    )
    serve_cmd.set_defaults(run=_serve)

    keys_cmd = commands.add_parser("keys", help="manage the service's API keys")
    keys_commands = keys_cmd.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create_cmd = keys_commands.add_parser("create", help="make a key; prints it as the last line")
    create_cmd.add_argument(
        "--region", action="append", default=[], metavar="R", help="a region the key may use (repeatable)"
    )
    create_cmd.add_argument("--admin", action="store_true", help="every region: the same as --role admin")
    create_cmd.add_argument(
        "--role",
        choices=("viewer", "planner", "approver", "admin"),
        default="planner",
        help="viewer reads; planner also changes scenarios and plans; approver also approves; "
        "admin every region (default %(default)s)",
    )
    create_cmd.add_argument("--name", default="", help="the person the key is for (the audit log names them)")
    create_cmd.add_argument("--label", default="", help="what the key is for")
    _add_db(create_cmd)
    create_cmd.set_defaults(run=_keys_create)
    list_cmd = keys_commands.add_parser("list", help="every key by prefix, scope and state")
    _add_db(list_cmd)
    list_cmd.set_defaults(run=_keys_list)
    revoke_cmd = keys_commands.add_parser("revoke", help="revoke the keys with this prefix")
    revoke_cmd.add_argument("prefix", metavar="PREFIX", help="the key's prefix, e.g. rk_1a2b3c4d")
    _add_db(revoke_cmd)
    revoke_cmd.set_defaults(run=_keys_revoke)
    return parser


def _add_db(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $ROTATION_DB, else sqlite:///rotation.db)",
    )


def _add_set(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="RULE.PARAM=VALUE",
        help=f"override a policy parameter, e.g. {example()} (repeatable)",
    )


def _add_lang(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--lang",
        choices=LANGS,
        default="zh",
        help="language of input problems, rule sentences, summaries and errors (default zh, Chinese)",
    )


def _load(bundle: Path, overrides: Sequence[str], lang: str) -> Scenario:
    """The scenario with `--set` overrides, its warnings printed; replace() builds a fresh
    Scenario, so no cached eligibility or headcount of the old policy survives."""
    scenario = load_scenario(bundle)
    _print_warnings(scenario.warnings, lang)
    if overrides:
        scenario = replace(scenario, policy=scenario.policy.with_overrides(overrides))
    return scenario


def _solve(args: argparse.Namespace) -> int:
    settings = _settings(args, workers=args.workers, engine=args.engine)
    if settings is None:
        return EXIT_INPUT
    overrides = tuple(args.set)
    if args.bundle.is_dir() and args.hint is None and bundle_splits(args.bundle, overrides):
        return _solve_by_region(args, settings, overrides)
    scenario = _load(args.bundle, args.set, args.lang)
    hint = read_plan_files(args.hint, scenario).plan if args.hint else None
    progress = None if args.quiet else _ProgressLine()
    result = solve_scenario(
        scenario,
        settings,
        edits=ModelEdits(hint=hint),
        listeners=Listeners(progress=progress),
        cluster=args.cluster,
        processes=args.processes,
    )
    if progress is not None:
        progress.close()
    paths = write_outputs(result, scenario, args.out)
    _print_summary(result.summary, args.lang)
    if result.summary.status in ("optimal", "feasible"):
        _print_violated(result.report, args.lang, limit=SHOWN_VIOLATIONS)
    print(f"wrote {', '.join(str(p) for p in paths)}")
    if result.summary.status == "infeasible":
        _print_conflicts(result, args.lang)
        return EXIT_HARD
    if result.summary.status == "timeout_no_plan":
        _print_timeout(args)
        return EXIT_TIMEOUT
    return EXIT_OK


def _solve_by_region(args: argparse.Namespace, settings: EngineSettings, overrides: tuple[str, ...]) -> int:
    """Independent regions of a bundle folder: split, solved in parallel, written as they finish."""
    _print_warnings(bundle_warnings(args.bundle), args.lang)
    progress = None if args.quiet else _RegionProgressLine()
    summary = plan_bundle(
        args.bundle,
        args.out,
        settings,
        overrides=overrides,
        cluster=args.cluster,
        processes=args.processes,
        progress=progress,
    )
    if progress is not None:
        progress.close()
    _print_summary(summary, args.lang)
    print(f"regions: {summary.split[f'reason_{args.lang}']} on {summary.split['pool']}")
    for region in summary.regions:
        gap = "-" if region["gap"] is None else f"{region['gap']:.2%}"
        print(f"  {region['region']}: {region['status']}  gap {gap}  {region['wall_seconds']:.1f} s")
    print(
        f"wrote {args.out}/plan.csv, recruitment.csv, itinerant.csv, leaders.csv, coverage.csv, "
        "report.json, summary.json and regions/<region>/"
    )
    if summary.status == "infeasible":
        _print_error(
            args.lang,
            "部分区县的硬性规则相互冲突:见 conflicts.json 与 relaxations.json",
            "hard rules collide in some regions: see conflicts.json and relaxations.json",
        )
        return EXIT_HARD
    if summary.status == "timeout_no_plan":
        _print_error(
            args.lang,
            f"部分区县在 {args.time_limit:g} 秒内未找到方案",
            f"some regions found no plan within {args.time_limit:g} s",
        )
        return EXIT_TIMEOUT
    return EXIT_OK


class _RegionProgressLine:
    """One stderr line rewritten in place: regions done / total and the worst gap so far."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, done: int, total: int, worst_gap: float | None) -> None:
        gap = "-" if worst_gap is None else f"{worst_gap:.2%}"
        print(f"\rregions {done} / {total} done  worst gap {gap}", end="", file=sys.stderr, flush=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


class _ProgressLine:
    """One stderr line rewritten in place: elapsed time, best objective, best bound."""

    def __init__(self) -> None:
        self.best: float | None = None
        self.bound: float | None = None
        self.shown = False

    def __call__(self, elapsed: float, objective: float | None, bound: float | None) -> None:
        self.best = objective if objective is not None else self.best
        self.bound = bound if bound is not None else self.bound
        line = f"\r{elapsed:7.1f} s  best {_number(self.best):>12}  bound {_number(self.bound):>12}"
        print(line, end="", file=sys.stderr, flush=True)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            print(file=sys.stderr)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _print_timeout(args: argparse.Namespace) -> None:
    _print_error(
        args.lang,
        f"{args.time_limit:g} 秒内未找到方案;请加大 --time-limit",
        f"no plan found within {args.time_limit:g} s; try a longer --time-limit",
    )


def _print_summary(s: Summary, lang: str) -> None:
    gap = "-" if s.gap is None else f"{s.gap:.2%}"
    print(f"status: {s.status}")
    print(f"objective: {_number(s.objective)}  bound: {_number(s.bound)}  gap: {gap}", end="  ")
    print(f"time: {s.solve_seconds:.2f} s")
    print(
        f"rotating: {s.rotating} / {s.eligible} eligible  backbone: {s.backbone_rotating}  "
        f"shortage filled: {s.shortage_filled} / {s.shortage_total}"
    )
    if s.bound_source:
        print(f"bound from: {s.bound_source}")
    if s.split.get("mode") == "joint":
        print(f"regions planned jointly: {s.split[f'reason_{lang}']}")
    _print_staffing(s, lang)


def _print_staffing(s: Summary, lang: str) -> None:
    """The staffing figures in one line: unmet posts over every school before and after, hires
    against the budget, exchanges, 走教 and the schools that keep a principal."""
    if lang == "zh":
        print(
            f"全县缺岗:{s.unmet_before:g} → {s.unmet_after:g}(补上原有空缺 {s.vacancies_filled:g},"
            f"仍缺 {s.vacancies_open:g},新增空缺 {s.vacancies_created:g});"
            f"招聘 {s.hires} / {s.hire_budget} 人;跟岗 {s.exchanges} 人;走教 {s.itinerant_assignments} 处;"
            f"有校长的学校 {s.schools_with_principal_before} → {s.schools_with_principal_after}"
        )
    else:
        print(
            f"unmet posts over all schools: {s.unmet_before:g} → {s.unmet_after:g} "
            f"(filled {s.vacancies_filled:g}, still open {s.vacancies_open:g}, "
            f"newly opened {s.vacancies_created:g}); hires {s.hires} / {s.hire_budget}; "
            f"exchanges {s.exchanges}; 走教 assignments {s.itinerant_assignments}; "
            f"schools with a principal {s.schools_with_principal_before} → {s.schools_with_principal_after}"
        )


def _print_violated(report: Sequence[RuleRow], lang: str, limit: int | None = None) -> None:
    """Violated rows with their sentences: hard ones first, then the costliest elastic ones."""
    violated = sorted(
        (r for r in report if r.status == "violated"), key=lambda r: (r.mode != "hard", -r.cost)
    )
    print(f"violated: {len(violated)}")
    for r in violated[:limit]:
        print(f"  [{r.mode}] {r.rule} {r.scope}={r.key}: shortfall {r.shortfall:g}")
        _print_sentences(r.sentence_zh, r.sentence_en, lang)
    if limit is not None and len(violated) > limit:
        print(f"  ... and {len(violated) - limit} more in report.json")


def _print_sentences(zh: str, en: str, lang: str) -> None:
    print(f"      {zh if lang == 'zh' else en}")


def _print_conflicts(result: Result, lang: str) -> None:
    for number, conflict in enumerate(result.conflicts, start=1):
        kind = "minimal" if conflict.minimal else "not shown minimal (time ran out)"
        size = len(conflict.instances)
        print(f"conflict {number}: {size} hard rule instances, {kind}, {conflict.seconds:.1f} s")
        _print_sentences(conflict.summary_zh, conflict.summary_en, lang)
        for instance in conflict.instances:
            print(f"  {instance.label}  target {instance.target} {instance.unit}")
            _print_sentences(instance.sentence_zh, instance.sentence_en, lang)
        proposals = [r for r in result.relaxations if r.conflict == number - 1]
        if proposals:
            print("  ways out (smallest relaxation first; relaxations.json):")
        for proposal in proposals:
            unit_zh, unit_en = SHORTFALL_UNITS.get(proposal.unit, ("", ""))
            cost = f"{proposal.plan_cost:g}"
            if lang == "zh":
                print(f"  - 放宽 {proposal.units} {unit_zh};放宽后方案代价至多 {cost}")
            else:
                print(f"  - relax by {proposal.units} {unit_en}; a plan under it costs at most {cost}")
            _print_sentences(proposal.change.sentence_zh, proposal.change.sentence_en, lang)


def _roadmap(args: argparse.Namespace) -> int:
    """Each year's plan, then whether each target is met by its year; exit 2 when one is not."""
    if args.years < 1:
        _print_error(args.lang, "--years 至少为 1", "--years must be at least 1")
        return EXIT_INPUT
    settings = _settings(args)
    if settings is None:
        return EXIT_INPUT
    scenario = _load(args.bundle, args.set, args.lang)
    roadmap = plan_roadmap(scenario, args.years, settings, args.method)
    paths = write_roadmap(roadmap, args.out)
    zh = args.lang == "zh"
    for year in roadmap.years:
        shares = ", ".join(
            f"{indicator_label(s.indicator)[0 if zh else 1]} {s.region} {s.share:.1%}" for s in year.standings
        )
        moves = f"调动 {len(year.result.plan.moves)} 人" if zh else f"{len(year.result.plan.moves)} moves"
        print(f"{year.year}: {year.result.summary.status}, {moves}; {shares}")
    last = roadmap.years[-1].year
    for target in roadmap.targets:
        met = roadmap.met_in(target)
        name = indicator_label(target.indicator)[0 if zh else 1]
        if zh:
            when = f"{met} 年达成" if met is not None else "未达成"
            late = "" if target.year <= last else f"(目标年份在路线图最后一年 {last} 之后)"
            print(f"目标:{name}不低于 {target.value:.0%}({target.year} 年):{when}{late}")
        else:
            when = f"met in {met}" if met is not None else "not met"
            late = "" if target.year <= last else f" (its year comes after the roadmap's last, {last})"
            print(f"target: {name} at least {target.value:.0%} by {target.year}: {when}{late}")
    print(f"wrote {len(paths)} files under {args.out} (roadmap.json, roadmap.xlsx, one folder per year)")
    due = [t for t in roadmap.targets if t.year <= last]
    return EXIT_OK if all(roadmap.on_time(t) for t in due) else EXIT_HARD


def _check(args: argparse.Namespace) -> int:
    """The plan's files (plan.csv, and recruitment.csv, itinerant.csv and leaders.csv beside it;
    or a plan workbook, by its suffix) checked against every rule without the solver; the heads
    leaders.csv (or the workbook's 校长配备) names are compared with those the plan gives."""
    scenario = _load(args.bundle, args.set, args.lang)
    if args.plan.suffix.lower() in WORKBOOK_SUFFIXES:
        files = read_plan_workbook(args.plan, scenario)
    else:
        files = read_plan_files(args.plan, scenario)
    plan = files.plan
    result = plan_result(scenario, plan)
    report = result.report
    broken = hard_violations(report)
    broken_rules = [rule.id for rule in all_rules() if any(r.rule == rule.id for r in broken)]
    counts = Counter(r.status for r in report)
    mismatches = (
        None
        if files.leaders is None
        else leader_mismatches(scenario, files.leaders, leaders_after(scenario, plan))
    )
    if args.json:
        document = {
            "counts": {status: counts[status] for status in STATUSES},
            "hard_violated_rules": broken_rules,
            "leader_mismatches": None
            if mismatches is None
            else [
                {
                    **asdict(m),
                    "sentence_zh": m.sentence("zh", files.leaders_file),
                    "sentence_en": m.sentence("en", files.leaders_file),
                }
                for m in mismatches
            ],
            "summary": asdict(result.summary),
            "report": [asdict(r) for r in report],
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print(
            f"plan: {len(plan.moves)} moves, {len(plan.exchanges)} exchanges, {plan.hired} hires, "
            f"{len(plan.itinerant)} 走教 assignments"
        )
        _print_staffing(result.summary, args.lang)
        _print_violated(report, args.lang)
        print("  ".join(f"{status}: {counts[status]}" for status in STATUSES))
        if broken_rules:
            print(f"hard rules violated: {', '.join(broken_rules)}")
        if mismatches is not None:
            _print_leader_mismatches(mismatches, len(files.leaders or ()), args.lang, files.leaders_file)
    return EXIT_HARD if broken_rules or mismatches else EXIT_OK


def _advance(args: argparse.Namespace) -> int:
    """Next year's bundle from this year's and its plan's files; a leaders.csv naming other heads
    than the plan gives is refused (exit 2), as `rotation check` finds it."""
    scenario = _load(args.bundle, (), args.lang)
    files = read_plan_folder(args.plan, scenario)
    plan = files.plan
    if files.leaders is not None:
        mismatches = leader_mismatches(scenario, files.leaders, leaders_after(scenario, plan))
        if mismatches:
            _print_leader_mismatches(mismatches, len(files.leaders), args.lang)
            _print_error(
                args.lang,
                f"请改正或删除 {LEADERS_FILE} 后重试",
                f"correct or delete {LEADERS_FILE}, then try again",
            )
            return EXIT_HARD
    following = advance(scenario, plan)
    write_bundle(following, args.out)
    left = len({t.teacher_id for t in scenario.teachers} - {t.teacher_id for t in following.teachers})
    returned = sum(scenario.returns_this_year(t) for t in scenario.teachers)
    year = scenario.policy.year
    if args.lang == "zh":
        print(
            f"{year} → {year + 1}:教师 {len(scenario.teachers)} → {len(following.teachers)} 人"
            f"(退休 {left},新招聘 {plan.hired};交流 {len(plan.moves)},跟岗 {len(plan.exchanges)},"
            f"走教 {len(plan.itinerant)},期满返回 {returned})"
        )
    else:
        print(
            f"{year} → {year + 1}: teachers {len(scenario.teachers)} → {len(following.teachers)} "
            f"(retired {left}, hired {plan.hired}; moves {len(plan.moves)}, exchanges "
            f"{len(plan.exchanges)}, 走教 {len(plan.itinerant)}, returned home {returned})"
        )
    print(f"wrote {args.out}")
    return EXIT_OK


def _print_leader_mismatches(
    mismatches: Sequence[LeaderMismatch], named: int, lang: str, source: str = LEADERS_FILE
) -> None:
    """`source`: where the heads were read (leaders.csv, or plan.xlsx's 校长配备)."""
    if not mismatches:
        print(f"{source}: agrees with the plan ({named} schools)")
        return
    print(f"{source}: {len(mismatches)} schools differ from the plan")
    for mismatch in mismatches:
        print(f"  {mismatch.school_id}")
        _print_sentences(mismatch.sentence("zh", source), mismatch.sentence("en", source), lang)


def _explain(args: argparse.Namespace) -> int:
    """The given plan.csv, or a fresh solve, explained for one teacher or one school. Unknown ids
    are input errors, found before any solve."""
    scenario = _load(args.bundle, args.set, args.lang)
    if args.teacher is not None:
        teacher_of(scenario, args.teacher)
    else:
        school_of(scenario, args.school)
    settings = EngineSettings(time_limit=args.time_limit)
    if args.plan is not None:
        result = plan_result(scenario, read_plan_files(args.plan, scenario).plan)
        broken = hard_violations(result.report)
        if broken:
            _print_error(
                args.lang,
                f"警告:该方案违反 {len(broken)} 处硬性规则;见 rotation check",
                f"warning: the plan breaks {len(broken)} hard rule instance(s); see rotation check",
            )
    else:
        result = solve(scenario, settings)
    if result.summary.status == "infeasible":
        _print_conflicts(result, args.lang)
        return EXIT_HARD
    if result.summary.status == "timeout_no_plan":
        _print_timeout(args)
        return EXIT_TIMEOUT
    if args.teacher is not None:
        explanation: TeacherExplanation | SchoolExplanation = explain_teacher(
            scenario, args.teacher, result, settings
        )
    else:
        explanation = explain_school(scenario, args.school, result.plan)
    if args.json:
        print(json.dumps(explanation_json(explanation), ensure_ascii=False, indent=2))
    else:
        print(explanation.text(args.lang))
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    print(write_template(args.out, args.lang))
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.bundle)
    _print_warnings(scenario.warnings, args.lang)
    shortage = sum(short for _, _, _, short in shortage_posts(scenario))
    print(f"scenario: {scenario.name}  year {scenario.policy.year}")
    print(f"teachers: {len(scenario.teachers)}")
    print(f"schools: {len(scenario.schools)}")
    print(f"regions: {len(scenario.regions)}")
    print(f"eligible: {sum(is_eligible(scenario, t) for t in scenario.teachers)}")
    print(f"shortage total: {shortage}")
    return EXIT_OK


def _generate(args: argparse.Namespace) -> int:
    """A preset, or the default county, with any parameter given on the command line changed."""
    base = preset(args.preset) if args.preset else CountyParams(name=args.out.name)
    given = {
        "teachers": args.teachers,
        "schools": args.schools,
        "regions": args.regions,
        "seed": args.seed,
        "year": args.year,
        "name": args.name,
    }
    params = replace(
        base,
        **{key: value for key, value in given.items() if value is not None},
        overrides=(*base.overrides, *args.set),
    )
    size = write_generated_bundle(params, args.out, workers=args.workers)
    print(f"wrote {args.out}: {size.teachers} teachers, {size.schools} schools, {size.regions} regions")
    return EXIT_OK


def _service() -> ModuleType | None:
    """api.commands, imported here, not at the top: the library stays free of the web stack, the
    `service` extra; without it, None after saying what to install."""
    try:
        return importlib.import_module("api.commands")
    except ModuleNotFoundError as error:
        install = "pip install 'teacher-rotation[service]'"
        print(f"此命令需要服务组件(缺少 {error.name}):{install}", file=sys.stderr)
        print(f"this command needs the service extra (missing {error.name}): {install}", file=sys.stderr)
        return None


def _serve(args: argparse.Namespace) -> int:
    commands = _service()
    if commands is None:
        return EXIT_INPUT
    commands.serve(args.host, args.port, args.db, args.demo)
    return EXIT_OK


def _keys_create(args: argparse.Namespace) -> int:
    role = "admin" if args.admin else args.role
    if not args.region and role != "admin":
        print("keys create: give at least one --region, or --admin", file=sys.stderr)
        return EXIT_INPUT
    commands = _service()
    if commands is None:
        return EXIT_INPUT
    commands.keys_create(args.db, args.region, role, args.name, args.label)
    return EXIT_OK


def _keys_list(args: argparse.Namespace) -> int:
    commands = _service()
    if commands is None:
        return EXIT_INPUT
    commands.keys_list(args.db)
    return EXIT_OK


def _keys_revoke(args: argparse.Namespace) -> int:
    commands = _service()
    if commands is None:
        return EXIT_INPUT
    return EXIT_OK if commands.keys_revoke(args.db, args.prefix) else EXIT_INPUT


def run() -> None:
    """The `rotation` command: main(), then leave at once (see exit_process)."""
    exit_process(main())


if __name__ == "__main__":
    run()
