"""Run the SQL models of a domain: sql/{common,<domain>}/<layer>/<model>.sql -> table <layer>.<model>.

Each file holds one select (dbt style, no templating). Within a layer, a model
that names another model of the same layer (`<layer>.<name>`) runs after it.
After the rules layer, every rule model is stacked into rules.stacked, so
adding a rule is adding a file. A model whose file says `-- materialized: view` becomes a
view instead of a table: for a large model that one other model reads (claim lines), writing
millions of rows to the database costs more than reading them through.
"""

from __future__ import annotations

import re
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb


def read_model(path: Path) -> str:
    return path.read_text().strip().rstrip(";")


def layer_models(layer_dir: Path | list[Path]) -> dict[str, str]:
    return {name: read_model(path) for name, path in layer_paths(layer_dir).items()}


def layer_paths(layer_dir: Path | list[Path]) -> dict[str, Path]:
    """Model name -> file; with several folders (common, then domain) a later folder wins."""
    folders = [layer_dir] if isinstance(layer_dir, Path) else list(layer_dir)
    return {p.stem: p for folder in folders for p in sorted(folder.glob("*.sql"))}


VIEW = re.compile(r"^--\s*materialized:\s*view\b", re.MULTILINE)


def materialize(con: duckdb.DuckDBPyConnection, layer: str, name: str, sql: str) -> None:
    """Create <layer>.<name> from its select, as a view or a table (see the module docstring)."""
    kind = "view" if VIEW.search(sql) else "table"
    existing = con.execute("select 'view' from duckdb_views() where schema_name = ? and view_name = ? "
                           "union all select 'table' from duckdb_tables() where schema_name = ? and table_name = ?",
                           [layer, name, layer, name]).fetchall()
    if existing and existing[0][0] != kind:  # the model changed kind since this database was written
        con.execute(f"drop {existing[0][0]} {layer}.{name}")
    con.execute(f"create or replace {kind} {layer}.{name} as\n{sql}")


def model_order(layer: str, models: dict[str, str]) -> list[str]:
    graph = {}
    for name, sql in models.items():
        code = re.sub(r"--[^\n]*", "", sql)  # a model named in a comment is no dependency
        refs = set(re.findall(rf"\b{re.escape(layer)}\.(\w+)", code)) & models.keys()
        graph[name] = refs - {name}
    return list(TopologicalSorter(graph).static_order())


def run_layer(con: duckdb.DuckDBPyConnection, layer_dir: Path | list[Path]) -> list[str]:
    """Run every model of a layer; layer_dir may be several folders of the same layer."""
    paths = layer_paths(layer_dir)
    layer = ([layer_dir] if isinstance(layer_dir, Path) else list(layer_dir))[-1].name
    models = {name: read_model(path) for name, path in paths.items()}
    con.execute(f"create schema if not exists {layer}")
    order = model_order(layer, models)
    for name in order:
        try:
            materialize(con, layer, name, models[name])
        except duckdb.Error as exc:
            raise RuntimeError(f"SQL model {paths[name]} failed: {exc}") from exc
    return order


def run_model(con: duckdb.DuckDBPyConnection, model_path: Path) -> str:
    """Run a single model file (for commands that need one model, not a whole layer)."""
    layer = model_path.parent.name
    con.execute(f"create schema if not exists {layer}")
    materialize(con, layer, model_path.stem, read_model(model_path))
    return f"{layer}.{model_path.stem}"


def stack_rule_models(con: duckdb.DuckDBPyConnection, rule_models: list[str]) -> None:
    """rules.stacked: every rule model's rows in one table (the decisions layer reads it)."""
    union = "\nunion all by name\n".join(f"select * from rules.{m}" for m in sorted(rule_models))
    con.execute(f"create or replace table rules.stacked as\n{union}")
