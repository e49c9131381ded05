"""Every service's `domain/` holds rules over data handed in: one test, the same for all four.

A domain module may import only the standard library's pure modules, pydantic, `contracts`
and its own service's `domain`; it never reads the clock or a file. Files, sockets, logging, time and
randomness come in through `adapters/` and the composition root (`app.py`).
"""

import ast
from pathlib import Path

import pytest

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"
SERVICES = ("intake", "eligibility", "notification", "reporting")

PURE_STDLIB = {
    "__future__",
    "abc",
    "base64",
    "bisect",
    "calendar",
    "collections",
    "dataclasses",
    "datetime",
    "decimal",
    "enum",
    "functools",
    "hashlib",
    "heapq",
    "itertools",
    "json",
    "math",
    "operator",
    "re",
    "string",
    "textwrap",
    "types",
    "typing",
    "unicodedata",
}
LIBRARIES = {"pydantic", "pydantic_core", "contracts"}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic"}
"""Methods that read the clock, whatever they are called on: today and now are handed in."""

FILE_READS = {"open", "read_text", "read_bytes", "safe_load"}
"""Calls that read a file, whatever they are called on: rules and templates are handed in."""


def _modules() -> list[object]:
    found: list[object] = []
    for service in SERVICES:
        domain = SERVICES_DIR / service / "domain"
        for path in sorted(domain.rglob("*.py")):
            found.append(pytest.param(service, path, id=str(path.relative_to(SERVICES_DIR))))
    return found


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)  # a relative import stays inside the package
    return names


def _allowed(name: str, service: str) -> bool:
    root = name.split(".")[0]
    own_domain = f"services.{service}.domain"
    return root in PURE_STDLIB or root in LIBRARIES or name == own_domain or name.startswith(f"{own_domain}.")


@pytest.mark.parametrize(("service", "module"), _modules())
def test_a_domain_module_imports_only_pure_code_and_reads_no_clock_or_file(service: str, module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    outside = [name for name in _imported(tree) if not _allowed(name, service)]
    assert not outside, f"{module.name} imports {outside}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        assert called not in CLOCK_READS, f"{module.name} reads the clock (line {node.lineno})"
        assert called not in FILE_READS, f"{module.name} reads a file (line {node.lineno})"
