import ast
from pathlib import Path

import services.notification.domain as domain

FORBIDDEN_ROOTS = {"faststream", "aiokafka", "pymongo", "structlog", "aiosmtplib", "smtplib", "chassis", "socket"}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic"}
# The domain receives its templates and tariff, and a planned notice becomes an e-mail in adapters/mail/.
FILE_AND_MAIL_ROOTS = {"pathlib", "os", "io", "json", "yaml", "jinja2", "markupsafe", "email", "base64", "smtplib"}
FILE_READS = {"open", "read_text", "read_bytes", "safe_load", "load"}
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


def test_the_notification_domain_imports_no_file_template_or_mail_library() -> None:
    for path in MODULES:
        roots = {name.split(".")[0] for name in imported_modules(ast.parse(path.read_text(encoding="utf-8")))}
        assert not roots & FILE_AND_MAIL_ROOTS, (path.name, roots & FILE_AND_MAIL_ROOTS)


def test_the_notification_domain_opens_no_file() -> None:
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                assert called not in FILE_READS, (path.name, node.lineno)
