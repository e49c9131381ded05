import ast
from pathlib import Path

import services.reporting.domain as domain

ALLOWED_ROOTS = {"calendar", "collections", "datetime", "enum", "itertools", "pathlib", "re", "typing"}
ALLOWED_ROOTS |= {"pydantic", "yaml", "contracts", "services"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_reporting_domain_imports_no_broker_database_or_logging_library() -> None:
    for path in Path(domain.__file__).parent.glob("*.py"):
        assert imported_roots(path) <= ALLOWED_ROOTS, path.name


def test_the_reporting_domain_imports_no_other_service() -> None:
    for path in Path(domain.__file__).parent.glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(("from services", "import services")):
                assert line.startswith("from services.reporting.domain"), (path.name, line)
