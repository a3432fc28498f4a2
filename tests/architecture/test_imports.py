"""The import rules of the project (issue 11), checked on the source: every module of our apps is
parsed (its AST, without importing it), every `import` and `from ... import` is read, at module level
AND inside functions (a function-level import does not hide a loop from this test), and:

(a) `staffing` (the core) imports nothing of another of our apps, neither directly nor through another
    module (e.g. a module of `jobagentur`): the other apps plug in through `staffing.hooks`;
(b) no module imports itself in a circle: the cycles between modules are reported, each once;
(c) `planning` and `integrations` are peers: neither imports the other (they meet only through the
    core and its hooks). An import between them that is intended goes into ALLOWED_PEER_IMPORTS, with
    its reason;
(d) issue 17: `reports` (read-only reporting over the workflow) reads the core and takes from
    `integrations` only the PDF helpers of `integrations.documents` (bundled fonts, German formatting);
    no app but the project (urls, settings) imports `reports`.

`jobagentur` (settings, urls, the Celery app) may import any app. Migrations and tests are left out.
Apps that do not exist (yet) are skipped, so `privacy` and `ops` are checked once they exist.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "jobagentur"
CORE = "staffing"
OUR_APPS = (PROJECT, CORE, "planning", "integrations", "privacy", "ops", "reports", "guide")
PEERS = ("planning", "integrations")
# (importing app, imported app) -> why the import is intended; empty: the peers are independent
ALLOWED_PEER_IMPORTS: dict[tuple[str, str], str] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    """Every module of our apps that exist: dotted name -> file (migrations and tests excluded)."""
    modules = {}
    for app in OUR_APPS:
        if not (ROOT / app / "__init__.py").is_file():
            continue  # an app that does not exist (yet)
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).parts
            if "migrations" in parts or "tests" in parts or path.name.startswith("test_"):
                continue
            modules[_module_name(path)] = path
    return modules


class _Imports(ast.NodeVisitor):
    """Collects (dotted name imported, line, inside a function) of one module."""

    def __init__(self, package: str):
        self.package = package
        self.found: list[tuple[str, int, bool]] = []
        self.depth = 0

    def _function(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        for alias in node.names:
            self.found.append((alias.name, node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node):
        if node.level:
            parts = self.package.split(".")
            base = ".".join(parts[: len(parts) - (node.level - 1)])
            module = ".".join(part for part in (base, node.module) if part)
        else:
            module = node.module or ""
        for alias in node.names:  # `from pkg import sub` imports the submodule pkg.sub when there is one
            self.found.append((f"{module}.{alias.name}", node.lineno, self.depth > 0))


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module of ours that an imported dotted name loads (its longest known prefix), or None."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def import_graph() -> dict[str, dict[str, tuple[int, bool]]]:
    """module -> {imported module of ours -> (line, inside a function)}."""
    modules = our_modules()
    graph: dict[str, dict[str, tuple[int, bool]]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        visitor = _Imports(package)
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges: dict[str, tuple[int, bool]] = {}
        for imported, line, in_function in visitor.found:
            target = _resolve(imported, modules)
            if target is not None and target != name:
                edges.setdefault(target, (line, in_function))
        graph[name] = edges
    return graph


def app_of(module: str) -> str:
    return module.split(".")[0]


def _where(graph, source: str, target: str) -> str:
    line, in_function = graph[source][target]
    return f"{source} -> {target} (line {line}{', inside a function' if in_function else ''})"


def find_cycles(graph) -> list[list[str]]:
    """The import cycles: per strongly connected component (Tarjan) one closed path through it."""
    index, low, on_stack, stack, components = {}, {}, set(), [], []
    counter = [0]

    def connect(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, {}):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    cycles = []
    for component in components:  # one concrete loop through the component, for the message
        members = set(component)
        path, seen, node = [component[0]], {component[0]}, component[0]
        while True:
            node = next(n for n in sorted(graph[node]) if n in members)
            if node in seen:
                cycles.append(path[path.index(node):] + [node])
                break
            path.append(node)
            seen.add(node)
    return cycles


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_the_apps_are_found_and_parsed(graph):
    assert {app_of(m) for m in graph} >= {PROJECT, CORE, "planning", "integrations"}
    assert "staffing.services" in graph and "staffing.models" in graph["staffing.services"]
    # function-level imports are seen too (the Celery tasks are registered in ready())
    assert graph["staffing.apps"]["staffing.tasks"][1] is True


def test_the_core_imports_no_other_app(graph):
    """(a) direct imports from `staffing` into another of our apps (`jobagentur` included)."""
    wrong = [_where(graph, source, target) for source, edges in graph.items() if app_of(source) == CORE
             for target in edges if app_of(target) not in (CORE, PROJECT)]
    assert not wrong, "staffing must not import other apps; connect them through staffing.hooks:\n" + "\n".join(wrong)


def test_the_core_does_not_reach_another_app_through_the_project(graph):
    """(a) nor indirectly: whatever staffing imports (with the packages Python runs on the way, e.g.
    `jobagentur/__init__.py` for `jobagentur.celery`) loads no module of another app."""
    def parents(module):
        parts = module.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]

    reached, todo = set(), [m for m in graph if app_of(m) == CORE]
    came_from = {}
    while todo:
        module = todo.pop()
        for nxt in [*graph.get(module, {}), *[p for p in parents(module) if p in graph]]:
            if nxt not in reached:
                reached.add(nxt)
                came_from[nxt] = module
                todo.append(nxt)
    foreign = sorted(m for m in reached if app_of(m) not in (CORE, PROJECT))

    def chain(module):
        path = [module]
        while path[-1] in came_from and app_of(path[-1]) != CORE:
            path.append(came_from[path[-1]])
        return " <- ".join(path)

    assert not foreign, "staffing loads other apps indirectly:\n" + "\n".join(chain(m) for m in foreign)


def test_no_import_cycles_between_modules(graph):
    """(b) module-level and function-level imports together."""
    cycles = find_cycles(graph)
    assert not cycles, "import cycles (one loop per group of modules that import each other):\n" + "\n".join(
        " -> ".join(cycle) + "\n    " + "\n    ".join(
            _where(graph, a, b) for a, b in zip(cycle, cycle[1:], strict=False)) for cycle in cycles)


def test_planning_and_integrations_do_not_import_each_other(graph):
    """(c) the peers meet only through the core; an intended import is listed in ALLOWED_PEER_IMPORTS."""
    wrong = [_where(graph, source, target) for source, edges in graph.items() for target in edges
             if app_of(source) in PEERS and app_of(target) in PEERS and app_of(source) != app_of(target)
             and (app_of(source), app_of(target)) not in ALLOWED_PEER_IMPORTS]
    assert not wrong, "planning and integrations import each other:\n" + "\n".join(wrong)


REPORTS_MAY_IMPORT = {CORE, PROJECT, "reports"}
REPORTS_MAY_IMPORT_MODULES = {"integrations.documents"}  # the PDF's fonts and German formatting


def test_reports_reads_the_core_and_only_the_pdf_helpers_of_integrations(graph):
    """(d) issue 17: `reports` may import the core and `integrations.documents`, nothing else of ours."""
    wrong = [_where(graph, source, target) for source, edges in graph.items() if app_of(source) == "reports"
             for target in edges
             if app_of(target) not in REPORTS_MAY_IMPORT and target not in REPORTS_MAY_IMPORT_MODULES]
    assert not wrong, "reports imports more than the core and integrations.documents:\n" + "\n".join(wrong)
    assert "integrations.documents" in graph["reports.exports"]


def test_no_app_imports_reports(graph):
    """(d) issue 17: reporting sits on top; the other apps know nothing of it (the project's urls name it)."""
    wrong = [_where(graph, source, target) for source, edges in graph.items()
             if app_of(source) not in ("reports", PROJECT) for target in edges if app_of(target) == "reports"]
    assert not wrong, "an app imports reports:\n" + "\n".join(wrong)


def test_the_check_finds_what_it_looks_for():
    """The cycle finder and the resolver on a small graph of their own (so a green test means something)."""
    graph = {"a.x": {"a.y": (1, False)}, "a.y": {"a.z": (2, True)}, "a.z": {"a.x": (3, False)},
             "a.w": {"a.x": (4, False)}}
    assert find_cycles(graph) == [["a.x", "a.y", "a.z", "a.x"]]
    assert find_cycles({"a.x": {"a.y": (1, False)}, "a.y": {}}) == []
    modules = {"staffing": Path(), "staffing.models": Path()}
    assert _resolve("staffing.models.Notification", modules) == "staffing.models"
    assert _resolve("staffing.hooks", modules) == "staffing"
    assert _resolve("django.db", modules) is None
    visitor = _Imports("planning.templatetags")
    visitor.visit(ast.parse("from . import tags\ndef f():\n    from ..models import X\n    import staffing.hooks\n"))
    assert visitor.found == [("planning.templatetags.tags", 1, False), ("planning.models.X", 3, True),
                             ("staffing.hooks", 4, True)]


TEMPLATES = ROOT / "templates"


def test_the_core_templates_use_no_other_app():
    """The same rule for the core's pages (templates/staffing and the page frame): they load no template
    library and name no URL of another app; those apps add to them through the hooks (navigation,
    notice links)."""
    libraries = {}
    for app in OUR_APPS:
        for path in (ROOT / app / "templatetags").glob("*.py"):
            if path.name != "__init__.py":
                libraries[path.stem] = app
    wrong = []
    for path in [TEMPLATES / "base.html", *sorted((TEMPLATES / CORE).rglob("*.html"))]:
        text = path.read_text(encoding="utf-8")
        for load in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", text):
            for library in load.split():
                if libraries.get(library, CORE) not in (CORE,):
                    wrong.append(f"{path.relative_to(ROOT)}: loads {library} ({libraries[library]})")
        for app in OUR_APPS:
            if app not in (CORE, PROJECT) and (f"'{app}:" in text or f'"{app}:' in text):
                wrong.append(f"{path.relative_to(ROOT)}: names a URL of {app}")
    assert not wrong, "\n".join(wrong)
