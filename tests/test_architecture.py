"""The package's architecture: the import layers (import-linter, contract in pyproject.toml) and imports
at module top, lazy only for heavy optional dependencies."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "welfare_nlp"

# optional dependencies behind extras, imported where they are used (and torch-free spaCy's first import)
LAZY = {"pandas", "matplotlib", "arabic_reshaper", "bidi", "sklearn", "scipy", "torch", "transformers",
        "safetensors", "tokenizers", "floret", "trafilatura", "lxml_html_clean", "warcio", "charset_normalizer",
        "pyarrow", "tqdm", "dask", "distributed", "threadpoolctl", "nbclient", "nbformat", "jupyter_client"}


def test_layers_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    cmd = [str(lint)] if lint.exists() else [sys.executable, "-m", "importlinter.cli"]
    out = subprocess.run([*cmd, str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def _function_level_imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    yield inner.lineno, [a.name for a in inner.names]
                elif isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                    yield inner.lineno, [inner.module]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_at_module_top_except_heavy_optional_ones(path):
    found = [(line, name) for line, names in _function_level_imports(path) for name in names
             if name.split(".")[0] not in LAZY]
    assert not found, f"function-level imports of cheap or required modules: {found}"
