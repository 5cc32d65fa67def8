"""The layers (docs/architecture.md) hold: the import-linter contracts in pyproject.toml pass on this tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> list[str]:
    """The command that runs import-linter with this interpreter's environment."""
    exe = Path(sys.executable).with_name("lint-imports")
    return [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]


def test_import_contracts_are_kept():
    # PYTHONPATH: analyse this checkout, whatever copy of the packages is installed in the environment.
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([*_lint_imports(), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=False, timeout=300)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout, out.stdout[-4000:]


def test_the_contracts_can_fail(tmp_path):
    """A core module that reaches up into serving/ breaks the contracts (the check is not vacuous)."""
    for pkg in ("assistant", "corpus", "serving", "evals"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg,
                        ignore=shutil.ignore_patterns("*.npz", "documents", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "assistant" / "domain" / "text.py", "a", encoding="utf-8") as f:
        f.write("\nimport serving.storage  # a deliberate violation\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([*_lint_imports(), "--no-cache"], cwd=tmp_path, env=env, capture_output=True,
                         text=True, check=False, timeout=300)
    assert out.returncode != 0
    assert "assistant.domain.text -> serving.storage" in out.stdout
