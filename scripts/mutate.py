#!/usr/bin/env python3
"""A mutation pass over ``campaign_cli/services``: do the tests notice when the code is wrong?

    python scripts/mutate.py                          # every services module, 30 mutants each
    python scripts/mutate.py --module phases --all    # every mutant of one module
    python scripts/mutate.py --budget 40 --json out.json --seed 1

Built to be affordable on a small machine that others share (needs the ``dev``
extra: coverage.py):

1. **Which tests run which lines.** The fast tests (``-m "not slow"``) run once
   under coverage.py, each test in its own coverage context; their durations
   are kept. (Tests that run the tool in a subprocess do not count as covering:
   their lines run in another process.)
2. **Mutants** come from the AST of each module: comparison operators
   (``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``in``/``not in``, ``is``/``is not``),
   ``and``/``or``, a dropped ``not``, integer and float constants + 1,
   ``True``/``False``, ``+``/``-``, ``<``/``<=``/``>``/``>=`` and ``IS NULL``/
   ``IS NOT NULL`` inside SQL strings, and removed statements (a call whose
   result is not used, a ``raise``, an augmented assignment). Docstrings,
   annotations and translated messages are left alone. ``--sample N`` draws N per
   module (deterministic for a seed and the same source), ``--all`` takes all.
3. **Each mutant** runs in a child forked from a process that has imported pytest
   and the heavy libraries once. The mutated module is compiled from the changed
   AST and served by an import hook (no file is touched, so the pass can run
   beside normal work); only the tests covering the mutated lines run, fastest
   first, at most ``--test-seconds`` of them (by their measured time), stopping
   at the first failure, under a timeout. A failing test kills the mutant;
   all passing, it survives; no covering test at all: "not covered".

The summary counts killed, survived, not covered and timed-out mutants per
module and lists every survivor as ``file:line  what changed``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import json
import os
import random
import re
import signal
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "campaign_cli.services"
COMPARE_SWAPS = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq,
    ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
OPERATOR_TEXT = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
    ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.And: "and", ast.Or: "or",
}  # fmt: skip
SQL_WORDS = re.compile(r"\b(SELECT|WHERE|JOIN|HAVING|UPDATE|DELETE|CASE)\b")
SQL_OPERATORS = re.compile(r"(?<=\s)(<=|>=|<|>)(?=\s)|\bIS NOT NULL\b|\bIS NULL\b")
SQL_SWAPS = {"<=": "<", "<": "<=", ">=": ">", ">": ">=", "IS NULL": "IS NOT NULL", "IS NOT NULL": "IS NULL"}
MESSAGE_CALLS = {"_", "N_", "NP_", "ngettext", "pgettext", "gettext"}
REMOVABLE = (ast.Raise, ast.AugAssign)
HEAVY_IMPORTS = (
    "pytest", "typer", "click", "rich.console", "rich.table", "sqlmodel", "sqlalchemy", "hypothesis",
    "hypothesis.strategies", "jsonschema", "dateutil.relativedelta", "psycopg", "docx", "openpyxl", "icalendar",
)  # fmt: skip


@dataclass
class Mutant:
    module: str  # "phases"
    site: int  # index of the node in walk order
    variant: int
    line: int
    lines: list[int]
    what: str
    status: str = "not run"  # killed, survived, not covered, timeout, error, not run
    tests: int = 0
    seconds: float = 0.0
    killed_by: str = ""


# -- mutants ----------------------------------------------------------------------------------
def _walk(tree: ast.AST):
    """(node, parent, field, index, enclosing statement, scope) in a fixed order, skipping what is never mutated.

    ``scope`` is the function whose body runs the node, or None for code run once at import
    (module and class level, default values of arguments).
    """

    def visit(node, parent, name, index, statement, scope):
        if isinstance(node, ast.stmt):
            statement = node
        yield node, parent, name, index, statement, scope
        for child_name, value in ast.iter_fields(node):
            if child_name in ("annotation", "returns", "type_comment", "decorator_list"):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MESSAGE_CALLS:
                continue  # a translated message
            inner = scope
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                inner = node if child_name == "body" else scope
            elif isinstance(node, ast.ClassDef):
                inner = None
            if isinstance(value, list):
                for position, item in enumerate(value):
                    if isinstance(item, ast.AST) and not _is_docstring(node, child_name, position, item):
                        yield from visit(item, node, child_name, position, statement, inner)
            elif isinstance(value, ast.AST):
                yield from visit(value, node, child_name, None, statement, inner)

    yield from visit(tree, None, None, None, None, None)


def _uses(tree: ast.AST) -> dict[str, set[int]]:
    """Name -> lines inside functions that read it: where a module-level constant takes effect."""
    found: dict[str, set[int]] = {}
    for node, _parent, _name, _index, _statement, scope in _walk(tree):
        if scope is not None and isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            found.setdefault(node.id, set()).add(node.lineno)
    return found


def _is_docstring(parent, name, position, item) -> bool:
    return (
        name == "body"
        and position == 0
        and isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and isinstance(item, ast.Expr)
        and isinstance(item.value, ast.Constant)
        and isinstance(item.value.value, str)
    )


def _variants(node, parent, name) -> list[str]:
    """What can be done to ``node``: one description per variant."""
    found: list[str] = []
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) in COMPARE_SWAPS:
                found.append(f"`{OPERATOR_TEXT[type(op)]}` -> `{OPERATOR_TEXT[COMPARE_SWAPS[type(op)]]}`")
    elif isinstance(node, ast.BoolOp):
        found.append("`and` -> `or`" if isinstance(node.op, ast.And) else "`or` -> `and`")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        found.append("`not` dropped")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        found.append("`+` -> `-`" if isinstance(node.op, ast.Add) else "`-` -> `+`")
    elif isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            found.append(f"`{value}` -> `{not value}`")
        elif isinstance(value, (int, float)):
            found.append(f"`{value!r}` -> `{value + 1!r}`")
        elif isinstance(value, str) and SQL_WORDS.search(value):
            for match in SQL_OPERATORS.finditer(value):
                found.append(f"SQL `{match.group(0)}` -> `{SQL_SWAPS[match.group(0)]}`")
    if isinstance(node, ast.stmt) and name in ("body", "orelse", "finalbody"):
        is_call = isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        if is_call or isinstance(node, REMOVABLE):
            found.append("statement removed: " + ast.unparse(node).splitlines()[0][:70])
    return found


def mutants_of(path: Path, module: str) -> list[Mutant]:
    """Every mutant of a module, with the lines whose tests may notice it.

    Code run at import (constants) is noticed where the names it assigns are read;
    failing that, by any test that runs the module (``lines`` empty).
    """
    source = path.read_text(encoding="utf-8")
    skip = {number for number, text in enumerate(source.splitlines(), 1) if "pragma: no mutate" in text}
    tree = ast.parse(source)
    uses = _uses(tree)
    result = []
    for site, (node, parent, name, _index, statement, scope) in enumerate(_walk(tree)):
        if not hasattr(node, "lineno") or node.lineno in skip:
            continue
        variants = _variants(node, parent, name)
        if not variants:
            continue
        if scope is not None:
            lines = set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
            if statement is not None and statement is not node and not isinstance(node, ast.stmt):
                lines.add(statement.lineno)
        else:
            lines = set()
            for target in ast.walk(statement) if statement is not None else ():
                if isinstance(target, ast.Name) and isinstance(target.ctx, ast.Store):
                    lines |= uses.get(target.id, set())
                elif isinstance(target, (ast.FunctionDef, ast.AsyncFunctionDef)) and target.body:
                    lines.add(target.body[0].lineno)  # a default value: the calls of the function
        for variant, what in enumerate(variants):
            result.append(Mutant(module, site, variant, node.lineno, sorted(lines), what))
    return result


def mutated_code(path: Path, mutant: Mutant):
    """The module's code with one mutant applied, compiled (line numbers kept)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for site, (node, parent, name, index, _statement, _scope) in enumerate(_walk(tree)):
        if site != mutant.site:
            continue
        variants = _variants(node, parent, name)
        what = variants[mutant.variant]
        if what.startswith("statement removed"):
            getattr(parent, name)[index] = ast.copy_location(ast.Pass(), node)
        elif isinstance(node, ast.Compare):
            swappable = [i for i, op in enumerate(node.ops) if type(op) in COMPARE_SWAPS]
            position = swappable[mutant.variant]
            node.ops[position] = COMPARE_SWAPS[type(node.ops[position])]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            replacement = ast.copy_location(node.operand, node)
            if index is None:
                setattr(parent, name, replacement)
            else:
                getattr(parent, name)[index] = replacement
        elif isinstance(node, ast.BinOp):
            node.op = ast.Sub() if isinstance(node.op, ast.Add) else ast.Add()
        elif isinstance(node.value, bool):
            node.value = not node.value
        elif isinstance(node.value, (int, float)):
            node.value = node.value + 1
        else:
            match = list(SQL_OPERATORS.finditer(node.value))[mutant.variant]
            node.value = node.value[: match.start()] + SQL_SWAPS[match.group(0)] + node.value[match.end() :]
        ast.fix_missing_locations(tree)
        return compile(tree, str(path), "exec")
    raise LookupError(f"no site {mutant.site} in {path}")


# -- running tests in forked children ----------------------------------------------------------
class _Serve:
    """Import hook: ``campaign_cli.services.<module>`` comes from the mutated code."""

    def __init__(self, fullname: str, path: Path, code):
        self.fullname, self.path, self.code = fullname, path, code

    def find_spec(self, fullname, target_path=None, target=None):
        if fullname != self.fullname:
            return None
        from importlib.util import spec_from_loader

        return spec_from_loader(fullname, self, origin=str(self.path))

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__file__ = str(self.path)
        exec(self.code, module.__dict__)


class _Select:
    """pytest plugin: keep only the wanted tests, in the wanted order; time each test."""

    def __init__(self, wanted: list[str] | None, coverage=None):
        self.wanted, self.coverage, self.durations = wanted, coverage, {}

    def pytest_collection_modifyitems(self, session, config, items):
        if self.wanted is None:
            return
        order = {nodeid: position for position, nodeid in enumerate(self.wanted)}
        keep = sorted((item for item in items if item.nodeid in order), key=lambda item: order[item.nodeid])
        items[:] = keep

    def pytest_runtest_setup(self, item):
        if self.coverage is not None:
            self.coverage.switch_context(item.nodeid)

    def pytest_runtest_logreport(self, report):
        self.durations[report.nodeid] = self.durations.get(report.nodeid, 0.0) + report.duration


def _hypothesis_profile() -> None:
    from hypothesis import settings

    settings.register_profile("mutation", database=None, derandomize=True)
    settings.load_profile("mutation")


def _pytest_args(files: list[str], basetemp: str) -> list[str]:
    return [*files, "-q", "-p", "no:cacheprovider", "-p", "no:xdist", "-o", "addopts=", "-m", "not slow",
            "--basetemp", basetemp, "-W", "ignore"]  # fmt: skip


def _in_child(function, *args, timeout: float | None = None, quiet: bool = True):
    """Run ``function(*args)`` in a forked child; (exit code or None on timeout, seconds)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child
        code = 3
        try:
            os.setpgid(0, 0)
            if quiet:
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
            code = function(*args)
        finally:
            os._exit(code if isinstance(code, int) else 3)
    deadline = None if timeout is None else started + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), time.perf_counter() - started
        if deadline is not None and time.perf_counter() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None, time.perf_counter() - started
        time.sleep(0.02)


def _coverage_child(root: Path, tests: list[str], out: Path) -> int:
    import coverage
    import pytest

    _hypothesis_profile()
    cov = coverage.Coverage(data_file=None, include=[str(root / "campaign_cli" / "services" / "*.py")])
    plugin = _Select(None, cov)
    cov.start()
    with tempfile.TemporaryDirectory(prefix="mutate-cov-") as basetemp:
        code = pytest.main(_pytest_args(tests, basetemp), plugins=[plugin])
    cov.stop()
    data = cov.get_data()
    lines = {}
    for filename in data.measured_files():
        by_line = data.contexts_by_lineno(filename)
        lines[Path(filename).stem] = {str(line): [c for c in contexts if c] for line, contexts in by_line.items()}
    out.write_text(json.dumps({"lines": lines, "durations": plugin.durations, "exit": int(code)}), encoding="utf-8")
    return 0


def _mutant_child(root: Path, mutant: Mutant, wanted: list[str], basetemp: str) -> int:
    import pytest

    _hypothesis_profile()
    path = root / "campaign_cli" / "services" / f"{mutant.module}.py"
    sys.meta_path.insert(0, _Serve(f"{PACKAGE}.{mutant.module}", path, mutated_code(path, mutant)))
    files = sorted({nodeid.split("::")[0] for nodeid in wanted})
    plugin = _Select(wanted)
    code = pytest.main([*_pytest_args(files, basetemp), "-x"], plugins=[plugin, _FirstFailure()])
    return int(code)


class _FirstFailure:
    """Writes the first failing test's id where the parent can read it."""

    def pytest_runtest_logreport(self, report):
        if report.failed and os.environ.get("MUTATE_FAILED"):
            Path(os.environ["MUTATE_FAILED"]).write_text(report.nodeid, encoding="utf-8")


# -- the pass ---------------------------------------------------------------------------------
def covering_tests(mutant: Mutant, lines: dict, durations: dict, seconds: float) -> list[str]:
    """Tests that run the mutant's lines, fastest first, up to ``seconds`` of measured time."""
    by_line = lines.get(mutant.module, {})
    found: set[str] = set()
    for line in mutant.lines or by_line:  # no lines: any test that runs the module
        found.update(by_line.get(str(line), ()))
    chosen, total = [], 0.0
    for nodeid in sorted(found, key=lambda n: (durations.get(n, 1.0), n)):
        if chosen and total + durations.get(nodeid, 1.0) > seconds:
            break
        chosen.append(nodeid)
        total += durations.get(nodeid, 1.0)
    return chosen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to mutate and test (default: this one)")
    parser.add_argument("--module", action="append", help="a services module (repeatable; default: all)")
    parser.add_argument("--sample", type=int, default=30, help="mutants drawn per module (default 30)")
    parser.add_argument("--all", action="store_true", help="every mutant, no sampling")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--budget", type=float, default=60, help="minutes; mutants not started by then are 'not run'")
    parser.add_argument("--test-seconds", type=float, default=20, help="measured test time run per mutant, at most")
    parser.add_argument("--tests", nargs="*", default=["tests"], help="test files or folders (default: tests)")
    parser.add_argument("--json", type=Path, help="write every mutant and its fate here")
    parser.add_argument("--coverage-map", type=Path, help="reuse (or write) the test coverage map here")
    parser.add_argument("--same-as", type=Path, help="run exactly the mutants a previous --json run ran (before/after)")
    parser.add_argument("--status", action="append", help="with --same-as: only the mutants that had this status "
                        "(e.g. survived, to run them again against every covering test with a large --test-seconds)")
    args = parser.parse_args(argv)

    root = args.root.resolve()
    sys.path.insert(0, str(root))
    os.chdir(root)
    # Every test builds its own starting database: a copy of a template built by another
    # test would hide from coverage (and from a mutant's run) the code it comes from.
    os.environ["CAMPAIGN_TEST_TEMPLATES"] = "0"
    for name in HEAVY_IMPORTS:  # once, in the parent: every child starts with them loaded
        with contextlib.suppress(ImportError):
            __import__(name)
    if any(name.startswith("campaign_cli") for name in sys.modules):
        raise SystemExit("campaign_cli was imported before forking: mutants would not be seen")

    map_path = args.coverage_map or Path(tempfile.mkstemp(prefix="mutate-map-", suffix=".json")[1])
    if not (args.coverage_map and args.coverage_map.exists() and args.coverage_map.stat().st_size):
        print(f"measuring which tests run which lines of services/ ({' '.join(args.tests)}) ...", flush=True)
        code, seconds = _in_child(_coverage_child, root, args.tests, map_path)
        print(f"  done in {seconds:.0f} s", flush=True)
        if code != 0:
            raise SystemExit(f"the coverage run failed (exit {code})")
    measured = json.loads(map_path.read_text(encoding="utf-8"))
    if measured["exit"] not in (0,):
        print(f"warning: the unmutated tests exit {measured['exit']}: failing tests kill every mutant they cover")
    lines, durations = measured["lines"], measured["durations"]

    folder = root / "campaign_cli" / "services"
    modules = args.module or sorted(p.stem for p in folder.glob("*.py") if p.stem != "__init__")
    chosen: list[Mutant] = []
    generated: dict[str, int] = {}
    previous = None
    if args.same_as:
        ran = json.loads(args.same_as.read_text(encoding="utf-8"))
        wanted = set(args.status or ()) or {m["status"] for m in ran} - {"not run"}
        previous = {(m["module"], m["site"], m["variant"], m["what"]) for m in ran if m["status"] in wanted}
        modules = sorted({m["module"] for m in ran})
    for module in modules:
        every = mutants_of(folder / f"{module}.py", module)
        generated[module] = len(every)
        if previous is not None:
            every = [m for m in every if (m.module, m.site, m.variant, m.what) in previous]
        elif not args.all and len(every) > args.sample:
            every = sorted(random.Random(f"{args.seed}:{module}").sample(every, args.sample), key=lambda m: m.site)
        chosen.extend(every)
    if previous is not None and len(chosen) != len(previous):
        raise SystemExit(f"{len(previous) - len(chosen)} mutants of --same-as are not in this source: it changed")
    print(f"{sum(generated.values())} mutants in {len(modules)} modules; running {len(chosen)}", flush=True)

    deadline = time.monotonic() + args.budget * 60
    failed_file = Path(tempfile.mkstemp(prefix="mutate-failed-")[1])
    os.environ["MUTATE_FAILED"] = str(failed_file)
    for number, mutant in enumerate(chosen, 1):
        if time.monotonic() > deadline:
            break
        wanted = covering_tests(mutant, lines, durations, args.test_seconds)
        if not wanted:
            mutant.status = "not covered"
            continue
        expected = sum(durations.get(nodeid, 1.0) for nodeid in wanted)
        failed_file.write_text("", encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="mutate-") as basetemp:
            code, seconds = _in_child(_mutant_child, root, mutant, wanted, basetemp, timeout=30 + 4 * expected)
        mutant.tests, mutant.seconds = len(wanted), round(seconds, 2)
        mutant.status = {None: "timeout", 0: "survived", 1: "killed", 2: "killed"}.get(code, "error")
        mutant.killed_by = failed_file.read_text(encoding="utf-8")
        mark = {"killed": ".", "survived": "S", "timeout": "T"}.get(mutant.status, "E")
        print(mark, end="" if number % 60 else "\n", flush=True)
    print()
    failed_file.unlink()
    if not args.coverage_map:
        map_path.unlink()
    return report(chosen, generated, args)


def report(mutants: list[Mutant], generated: dict[str, int], args) -> int:
    statuses = ("killed", "survived", "not covered", "timeout", "error", "not run")
    print(f"\n{'module':<16}{'generated':>10}{'run':>6}" + "".join(f"{s:>13}" for s in statuses))
    totals = dict.fromkeys(statuses, 0)
    for module, count in generated.items():
        mine = [m for m in mutants if m.module == module]
        counts = {s: sum(1 for m in mine if m.status == s) for s in statuses}
        for s in statuses:
            totals[s] += counts[s]
        print(f"{module:<16}{count:>10}{len(mine):>6}" + "".join(f"{counts[s]:>13}" for s in statuses))
    total_line = f"{'total':<16}{sum(generated.values()):>10}{len(mutants):>6}"
    print(total_line + "".join(f"{totals[s]:>13}" for s in statuses))
    alive = [m for m in mutants if m.status in ("survived", "not covered")]
    if alive:
        print("\nsurvivors (file:line  what changed  [tests run]):")
        for m in alive:
            tag = "not covered" if m.status == "not covered" else f"{m.tests} tests"
            print(f"  services/{m.module}.py:{m.line}  {m.what}  [{tag}]")
    errors = [m for m in mutants if m.status == "error"]
    for m in errors:
        print(f"  error: services/{m.module}.py:{m.line}  {m.what}")
    if args.json:
        args.json.write_text(json.dumps([asdict(m) for m in mutants], indent=1, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
