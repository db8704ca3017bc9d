import ast
from pathlib import Path

import articles

DISCUSSION_APPS = ("forum.comments", "forum.moderation", "forum.notifications", "forum.spam", "forum.demo")


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_articles_imports_nothing_from_the_discussion_apps():
    root = Path(articles.__file__).parent

    offenders = {str(path.relative_to(root)): sorted(imported_modules(path)) for path in root.rglob("*.py")}

    assert {
        path: [m for m in modules if m.startswith(DISCUSSION_APPS)]
        for path, modules in offenders.items()
        if any(m.startswith(DISCUSSION_APPS) for m in modules)
    } == {}
