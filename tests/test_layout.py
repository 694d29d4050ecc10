"""bot/ is grouped into rooms by concern; a module never imports one that imports it back."""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

BOT = Path(__file__).resolve().parent.parent / "bot"


def _module(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> nx.DiGraph:
    modules = {_module(p): p for p in BOT.rglob("*.py")}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # lazy imports count too
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "bot":
                for alias in node.names:
                    target = f"{node.module}.{alias.name}"
                    target = target if target in modules else node.module
                    if target in modules and target != name:
                        graph.add_edge(name, target)
    return graph


def test_no_import_circle_among_bot_modules():
    assert list(nx.simple_cycles(_graph())) == []


def test_every_room_says_what_lives_there():
    for package in BOT.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(package.read_text(encoding="utf-8")))
        assert doc, f"{package.relative_to(BOT.parent)} has no docstring"


def test_stores_and_understanding_do_not_reach_up():
    """The store knows nothing of cases or dialogue; understanding knows nothing of either."""
    graph = _graph()
    for low, high in [("bot.store", "bot.handoff"), ("bot.store", "bot.conversation"),
                      ("bot.understanding", "bot.handoff"), ("bot.understanding", "bot.conversation"),
                      ("bot.conversation", "bot.store")]:
        for a, b in graph.edges:
            assert not (a.startswith(low) and b.startswith(high)), f"{a} imports {b}"
