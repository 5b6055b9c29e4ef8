"""Run the SQL models of a domain: sql/{common,<domain>}/<layer>/<model>.sql -> table <layer>.<model>.

Each file holds one select (dbt style, no templating). The `<layer>.<model>` names in a
model's SQL (comments and string literals excluded) are its references; together they form
one graph over all layers (`policy.*`, `seeds.*`, `raw.*` and `validated.*` are sources, not
models). A model may read its own layer and earlier ones; reading a later layer is refused
when the graph is loaded. Each model is built after the models it reads (the graph's order lists
the layers in order, each in dependency order; models whose inputs are built may run side by side).

After the rule models, rules.stacked (a view) unions every rule model's rows (a node that depends
on all of them), so adding a rule is adding a file. A layer folder may hold a `schema.yml` with the
columns each of its models returns (dbt's schema.yml, for a whole layer): the rules declare
theirs, and a rule model with a missing or an extra column stops the run instead of becoming
NULLs in rules.stacked.

A model whose file says `-- materialized: view` becomes a view instead of a table: where writing
its rows to the database file costs more than computing them again for each reader (the staged
casts, the rules read once through rules.stacked, millions of claim lines). Readers that look a
model up must look for views too (information_schema.tables lists both).

`run(con, domain, select=...)` takes dbt's selectors: `+name` (the model and what it needs),
`name+` (and what needs it), `layer:<layer>`, `source:<schema>[.<table>]`; terms separated by
spaces are a union, by commas an intersection. Each model's seconds and rows are logged under
`zorginkoop.engine.models` and returned.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol

import duckdb
import yaml

from zorginkoop.engine.database import cursor_per_thread
from zorginkoop.settings import settings

log = logging.getLogger(__name__)

SOURCES = ("policy", "seeds", "raw", "validated")
STACKED = "rules.stacked"
CONTRACT_FILE = "schema.yml"


class ModelError(RuntimeError):
    """The SQL models do not fit together: a later layer read, a cycle, a broken column contract."""


def read_model(path: Path) -> str:
    return path.read_text().strip().rstrip(";")


def layer_models(layer_dir: Path | list[Path]) -> dict[str, str]:
    return {name: read_model(path) for name, path in layer_paths(layer_dir).items()}


def layer_paths(layer_dir: Path | list[Path]) -> dict[str, Path]:
    """Model name -> file; with several folders (common, then domain) a later folder wins."""
    folders = [layer_dir] if isinstance(layer_dir, Path) else list(layer_dir)
    return {p.stem: p for folder in folders for p in sorted(folder.glob("*.sql"))}


VIEW = re.compile(r"^--\s*materialized:\s*view\b", re.MULTILINE)
# String literals and comments, left to right, so that a quote inside a comment (or `--` inside
# a string) does not hide or invent a reference.
NOT_CODE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|/\*.*?\*/", re.DOTALL)
QUALIFIED = re.compile(r"(?<![\w.\"])([a-z_]\w*)\.([a-z_]\w*)\b", re.IGNORECASE)


def code_of(sql: str) -> str:
    return NOT_CODE.sub(" ", sql)


def materialize(con: duckdb.DuckDBPyConnection, layer: str, name: str, sql: str) -> int | None:
    """Create <layer>.<name> from its select, as a view or a table (see the module docstring).
    Returns the table's row count (DuckDB reports it), None for a view (counting would read it)."""
    kind = "view" if VIEW.search(sql) else "table"
    existing = con.execute("select 'view' from duckdb_views() where schema_name = ? and view_name = ? "
                           "union all select 'table' from duckdb_tables() where schema_name = ? and table_name = ?",
                           [layer, name, layer, name]).fetchall()
    if existing and existing[0][0] != kind:  # the model changed kind since this database was written
        con.execute(f"drop {existing[0][0]} {layer}.{name}")
    result = con.execute(f"create or replace {kind} {layer}.{name} as\n{sql}").fetchall()
    return result[0][0] if kind == "table" and result else None


def model_order(layer: str, models: dict[str, str]) -> list[str]:
    """The models of one layer, each after the models of that layer it names."""
    graph = {}
    for name, sql in models.items():
        refs = {n.lower() for schema, n in QUALIFIED.findall(code_of(sql)) if schema.lower() == layer} & models.keys()
        graph[name] = refs - {name}
    try:
        return list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise ModelError(f"the models of {layer} name each other in a circle: "
                         + " -> ".join(f"{layer}.{n}" for n in exc.args[1])) from exc


@dataclass(frozen=True)
class Model:
    layer: str
    name: str
    sql: str | None                # None: rules.stacked, which the runner builds
    path: Path | None
    refs: frozenset[str]           # models it reads, "<layer>.<name>"
    sources: frozenset[str] = frozenset()  # sources it reads, "policy.parameters"

    @property
    def key(self) -> str:
        return f"{self.layer}.{self.name}"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str | None = None


@dataclass(frozen=True)
class Contract:
    path: Path
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class ModelRun:
    model: str
    seconds: float
    rows: int | None  # None for a view


class HasLayers(Protocol):
    layers: tuple[str, ...]

    def layer_dirs(self, layer: str) -> list[Path]: ...


@dataclass
class Graph:
    layers: tuple[str, ...]
    models: dict[str, Model]             # by key, in run order
    contracts: dict[str, Contract] = field(default_factory=dict)  # by layer

    @classmethod
    def load(cls, layers: Iterable[str], layer_dirs: Callable[[str], list[Path]]) -> Graph:
        """Read every layer's models, resolve their references, refuse a read of a later layer."""
        layers = tuple(layers)
        found = {layer: layer_paths(layer_dirs(layer)) for layer in layers}
        keys = {f"{layer}.{name}" for layer, paths in found.items() for name in paths}
        if STACKED in keys:
            raise ModelError(f"{found['rules']['stacked']}: rules.stacked is the runner's, not a model's name")
        known = keys | ({STACKED} if found.get("rules") else set())
        rank = {layer: i for i, layer in enumerate(layers)}
        models: dict[str, Model] = {}
        for layer in layers:
            sqls = {name: read_model(path) for name, path in found[layer].items()}
            for name in model_order(layer, sqls):
                refs, sources = set(), set()
                for schema, table in QUALIFIED.findall(code_of(sqls[name])):
                    schema, table = schema.lower(), table.lower()
                    if f"{schema}.{table}" in known:
                        refs.add(f"{schema}.{table}")
                    elif schema in SOURCES:
                        sources.add(f"{schema}.{table}")
                refs.discard(f"{layer}.{name}")
                for ref in sorted(refs):
                    other = ref.split(".")[0]
                    if rank[other] > rank[layer]:
                        raise ModelError(
                            f"{found[layer][name]}: {layer}.{name} reads {ref}, but {other} runs after {layer} "
                            f"(layers run {' -> '.join(layers)}); move the model or what it reads")
                models[f"{layer}.{name}"] = Model(layer, name, sqls[name], found[layer][name],
                                                  frozenset(refs), frozenset(sources))
            if layer == "rules" and found[layer]:
                rule_keys = frozenset(k for k in models if k.startswith("rules."))
                models[STACKED] = Model("rules", "stacked", None, None, rule_keys)
        cls._refuse_cycles(models)
        contracts = {}
        for layer in layers:
            files = [d / CONTRACT_FILE for d in layer_dirs(layer) if (d / CONTRACT_FILE).is_file()]
            if files:  # a domain's contract replaces the common one, as its models do
                contracts[layer] = load_contract(files[-1])
        return cls(layers, models, contracts)

    @classmethod
    def for_domain(cls, domain: HasLayers) -> Graph:
        return cls.load(domain.layers, domain.layer_dirs)

    @staticmethod
    def _refuse_cycles(models: dict[str, Model]) -> None:
        try:
            TopologicalSorter({k: m.refs for k, m in models.items()}).prepare()
        except CycleError as exc:
            raise ModelError("the models read each other in a circle: " + " -> ".join(exc.args[1])) from exc

    def resolve(self, name: str) -> str:
        """`layer.model`, or a model name that only one layer has."""
        if name in self.models:
            return name
        matches = [k for k, m in self.models.items() if m.name == name]
        if len(matches) != 1:
            problem = "is in several layers: " + ", ".join(matches) if matches else "is no model"
            raise ModelError(f"select: {name} {problem}")
        return matches[0]

    def upstream(self, keys: Iterable[str]) -> set[str]:
        """Every model the given ones read, directly or through others."""
        seen, todo = set(), list(keys)
        while todo:
            for ref in self.models[todo.pop()].refs - seen:
                seen.add(ref)
                todo.append(ref)
        return seen

    def downstream(self, keys: Iterable[str]) -> set[str]:
        """Every model that reads one of the given ones, directly or through others."""
        readers: dict[str, set[str]] = {}
        for key, model in self.models.items():
            for ref in model.refs:
                readers.setdefault(ref, set()).add(key)
        seen, todo = set(), list(keys)
        while todo:
            for reader in readers.get(todo.pop(), set()) - seen:
                seen.add(reader)
                todo.append(reader)
        return seen

    def _atom(self, atom: str) -> set[str]:
        core = atom.strip("+")
        if core.startswith("layer:"):
            if core[6:] not in self.layers:
                raise ModelError(f"select: no layer {core[6:]}; layers: {', '.join(self.layers)}")
            base = {k for k, m in self.models.items() if m.layer == core[6:]}
        elif core.startswith("source:"):
            source = core[7:]
            base = {k for k, m in self.models.items()
                    if any(s == source or s.startswith(source + ".") for s in m.sources)}
            if not base:
                raise ModelError(f"select: no model reads {source}")
        else:
            base = {self.resolve(core)}
        chosen = set(base)
        if atom.startswith("+"):
            chosen |= self.upstream(base)
        if atom.endswith("+"):
            chosen |= self.downstream(base)
        return chosen

    def _union(self, spec: str | Iterable[str]) -> set[str]:
        terms = spec.split() if isinstance(spec, str) else [t for s in spec for t in s.split()]
        chosen: set[str] = set()
        for term in terms:
            parts = [self._atom(a) for a in term.split(",")]
            chosen |= set.intersection(*parts)
        return chosen

    def select(self, select: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None) -> list[str]:
        """The chosen models in run order (all of them without a selector)."""
        chosen = set(self.models) if select is None else self._union(select)
        if exclude is not None:
            chosen -= self._union(exclude)
        return [k for k in self.models if k in chosen]


def load_contract(path: Path) -> Contract:
    """A layer's schema.yml: `columns:` with each column's name and, optionally, data_type."""
    spec = yaml.safe_load(path.read_text()) or {}
    columns = tuple(Column(c["name"], c.get("data_type")) for c in spec.get("columns", []))
    if not columns:
        raise ModelError(f"{path}: declares no columns")
    return Contract(path, columns)


def check_contract(con: duckdb.DuckDBPyConnection, model: Model, contract: Contract) -> None:
    """Every declared column present with its type, and no other column."""
    actual = {name: kind for name, kind in con.execute(
        "select column_name, data_type from duckdb_columns() where schema_name = ? and table_name = ?",
        [model.layer, model.name]).fetchall()}
    declared = {c.name: c.data_type for c in contract.columns}
    problems = [f"column {c} is missing" for c in declared if c not in actual]
    problems += [f"column {c} is not in the contract" for c in actual if c not in declared]
    problems += [f"column {c} is {actual[c]}, the contract says {t.upper()}" for c, t in declared.items()
                 if t and c in actual and actual[c].upper() != t.upper()]
    if problems:
        raise ModelError(f"{model.path}: {model.key}: " + "; ".join(problems) + f" (contract: {contract.path})")


_recorders = threading.local()


@contextmanager
def recording() -> Iterator[list[ModelRun]]:
    """Collect the ModelRuns of every run() in this thread, e.g. for the manifest of a flow task."""
    runs: list[ModelRun] = []
    stack = _recorders.__dict__.setdefault("stack", [])
    stack.append(runs)
    try:
        yield runs
    finally:
        stack.remove(runs)


def run(con: duckdb.DuckDBPyConnection, domain: HasLayers | Graph, select: str | Iterable[str] | None = None,
        exclude: str | Iterable[str] | None = None, workers: int | None = None) -> list[ModelRun]:
    """Build the selected models (all without select), each after the models it reads; see the
    module docstring.

    Up to `workers` models (ZORGINKOOP_MODEL_WORKERS) are built at once, each as soon as the models
    it reads are built, each on a connection of its own: most models are small, their queries keep
    one core busy, not two. A model's rows do not depend on what runs beside it. The ModelRuns come
    back (and are logged) in the graph's order, also those built before a failure; a failed model
    starts no other, the ones building beside it end, and the first failure in the graph's order
    is raised."""
    graph = domain if isinstance(domain, Graph) else Graph.for_domain(domain)
    keys = graph.select(select, exclude)
    for layer in dict.fromkeys(graph.models[k].layer for k in keys):
        con.execute(f"create schema if not exists {layer}")
    workers = settings().model_workers if workers is None else workers
    built: dict[str, ModelRun] = {}
    failed: dict[str, BaseException] = {}
    if workers <= 1 or len(keys) <= 1:
        for key in keys:
            try:
                built[key] = _build(con, graph, key)
            except BaseException as exc:  # noqa: BLE001 - raised below, after the runs are recorded
                failed[key] = exc
                break
    else:
        _build_side_by_side(con, graph, keys, workers, built, failed)
    runs = []
    for key in (k for k in keys if k in built):
        done = built[key]
        log.info("%s: %.2f s, %s", key, done.seconds, "view" if done.rows is None else f"{done.rows} rows")
        runs.append(done)
        for recorder in getattr(_recorders, "stack", []):
            recorder.append(done)
    if failed:
        raise failed[min(failed, key=keys.index)]
    return runs


def _build(con: duckdb.DuckDBPyConnection, graph: Graph, key: str) -> ModelRun:
    model = graph.models[key]
    start = time.perf_counter()
    if model.sql is None:
        rows = stack_rule_models(con, sorted(m.split(".", 1)[1] for m in model.refs))
    else:
        try:
            rows = materialize(con, model.layer, model.name, model.sql)
        except duckdb.Error as exc:
            raise RuntimeError(f"SQL model {model.path} failed: {exc}") from exc
        if model.layer in graph.contracts:
            check_contract(con, model, graph.contracts[model.layer])
    return ModelRun(key, round(time.perf_counter() - start, 3), rows)


def _build_side_by_side(con: duckdb.DuckDBPyConnection, graph: Graph, keys: list[str], workers: int,
                        built: dict[str, ModelRun], failed: dict[str, BaseException]) -> None:
    """Fill built (and failed): never more models handed to the pool than it runs at once, so that
    after a failure nothing waits in its queue."""
    chosen = set(keys)
    order = TopologicalSorter({k: graph.models[k].refs & chosen for k in keys})
    order.prepare()
    cursor = cursor_per_thread(con)
    ready: list[str] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="model") as pool:
        running: dict[Future, str] = {}
        while True:
            if not failed:
                # in the graph's order, so that the first to start is the one the others wait for
                ready = sorted(ready + list(order.get_ready()), key=keys.index)
                while ready and len(running) < workers:
                    key = ready.pop(0)
                    running[pool.submit(lambda k: _build(cursor(), graph, k), key)] = key
            if not running:
                return
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                key = running.pop(future)
                try:
                    built[key] = future.result()
                    order.done(key)
                except BaseException as exc:  # noqa: BLE001 - raised by run, the first in graph order
                    failed[key] = exc


def run_layer(con: duckdb.DuckDBPyConnection, layer_dir: Path | list[Path]) -> list[str]:
    """Run every model of one layer (folders outside a domain, as in tests); returns their names."""
    folders = [layer_dir] if isinstance(layer_dir, Path) else list(layer_dir)
    layer = folders[-1].name
    graph = Graph.load((layer,), lambda _: folders)
    runs = run(con, graph, exclude=STACKED if STACKED in graph.models else None)
    return [r.model.split(".", 1)[1] for r in runs]


def run_model(con: duckdb.DuckDBPyConnection, model_path: Path) -> str:
    """Run a single model file (for commands that need one model, not a graph)."""
    layer = model_path.parent.name
    con.execute(f"create schema if not exists {layer}")
    materialize(con, layer, model_path.stem, read_model(model_path))
    return f"{layer}.{model_path.stem}"


def stack_rule_models(con: duckdb.DuckDBPyConnection, rule_models: list[str]) -> None:
    """rules.stacked: every rule model's rows in one view, which decisions.rule_results reads once
    (a table would write its hundreds of thousands of rows a second time)."""
    union = "\nunion all by name\n".join(f"select * from rules.{m}" for m in sorted(rule_models))
    materialize(con, "rules", "stacked", f"-- materialized: view\n{union}")
