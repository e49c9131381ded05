import ast
from pathlib import Path

import services.notification.domain as domain

FORBIDDEN_ROOTS = {"faststream", "aiokafka", "pymongo", "structlog", "aiosmtplib", "smtplib", "chassis", "socket"}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic"}
MODULES = sorted(Path(domain.__file__).parent.glob("*.py"))


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_notification_domain_imports_no_broker_database_smtp_or_logging_library() -> None:
    for path in MODULES:
        roots = {name.split(".")[0] for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))}
        assert not roots & FORBIDDEN_ROOTS, path.name


def test_the_notification_domain_imports_no_other_service() -> None:
    for path in MODULES:
        for name in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            if name.startswith("services"):
                assert name.startswith("services.notification.domain"), (path.name, name)


def test_the_notification_domain_never_reads_the_clock() -> None:
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in CLOCK_READS, (path.name, node.lineno)
