"""Every "who may see or do what" rule lives in an access module (core/access.py,
observe/access.py, quality/access.py); views and API routers only call it (DESIGN.md, "Access
policy"; issue 7).

An AST check over every view and router module, one test per file. It refuses what an access
rule written at the edge looks like:
- an org-path lookup (`path__startswith`, `path__in`, `org__path__startswith`, ... as a keyword
  or as a string key) in any call: filter, exclude, Q, get;
- a role check against the Role constants (`Role.PRINCIPAL`, `g.role in (Role.X, ...)`);
- path-prefix arithmetic on a node's path (`school.path.startswith(...)`).
Nothing is allowed by a list: a file that needs one of these asks its access module instead.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATTERNS = ("*/views/*.py", "*/views.py", "*/api.py", "api/routers/*.py")
EDGE_FILES = sorted({p for pattern in PATTERNS for p in ROOT.glob(pattern)
                     if ".venv" not in p.parts and p.name != "__init__.py"})


def _is_path_lookup(key: str) -> bool:
    parts = key.split("__")
    return len(parts) >= 2 and parts[-2] == "path" and parts[-1] in ("startswith", "in", "istartswith")


def violations(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg is not None and _is_path_lookup(kw.arg):
                    found.append((node.lineno, f"org-path lookup {kw.arg}="))
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == "startswith"
                    and isinstance(func.value, ast.Attribute) and func.value.attr == "path"):
                found.append((node.lineno, "path-prefix test .path.startswith(...)"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_path_lookup(node.value):
            # (The literal parts of an f-string are constants too: f"{prefix}org__path__in".)
            found.append((node.lineno, f"org-path lookup {node.value!r}"))
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role"
              and node.attr.isupper()):
            found.append((node.lineno, f"role check against Role.{node.attr}"))
    return sorted(set(found))


def test_the_check_finds_what_it_refuses() -> None:
    src = '''
qs.filter(org__path__startswith=p)
Q(**{"school__path__startswith": p})
Q(**{f"{prefix}org__path__in": paths})
if g.role in (Role.PRINCIPAL, Role.TEACHER): pass
ok = school.path.startswith(exam.org.path)
qs.filter(code=code, kind=OrgKind.SCHOOL)
'''
    assert [line for line, _ in violations(src)] == [2, 3, 4, 5, 5, 6]


@pytest.mark.parametrize("path", EDGE_FILES, ids=[str(p.relative_to(ROOT)) for p in EDGE_FILES])
def test_views_and_routers_leave_access_rules_to_access_modules(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT)
    assert not found, (f"{rel} decides access itself; call its app's access module instead:\n"
                       + "\n".join(f"  {rel}:{line}: {what}" for line, what in found))
