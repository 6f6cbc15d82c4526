"""What a module does not list in ``__all__`` is either shared with a sibling module or marked
private: a public-looking name used only by its own module is a leading-underscore name, so that
IDEs, ``help()`` and documentation generators do not offer it as part of the SDK.

Names that product modules share with the sync and async faces (the request builders and plans)
stay without the underscore: no module imports another module's private name (test_architecture).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _declared_all(tree: ast.Module) -> set[str] | None:
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                assert node.value is not None
                return {ast.literal_eval(element) for element in node.value.elts}  # type: ignore[attr-defined]
    return None


TREES = {
    _module_name(path): ast.parse(path.read_text(encoding="utf-8")) for path in SRC.rglob("*.py")
}


def _imported_names() -> set[tuple[str, str]]:
    """Every (module, name) some module imports with ``from module import name``."""
    found = set()
    for tree in TREES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.update((node.module, alias.name) for alias in node.names)
    return found


def test_a_public_looking_name_outside_all_is_shared_with_another_module() -> None:
    imported = _imported_names()
    unshared = []
    for module, tree in TREES.items():
        if any(part.startswith("_") for part in module.split(".")):
            continue  # private modules, and __main__ scripts
        exported = _declared_all(tree) or set()
        for node in tree.body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            name = node.name
            if name.startswith("_") or name in exported or (module, name) in imported:
                continue
            unshared.append(f"{module}.{name}")
    assert unshared == [], "\n".join(unshared)
