"""Start-up: what loading the pipeline imports (issue 19). No timings here: benchmarks/throughput.py has them."""
import importlib.util
import subprocess
import sys

import pytest

pytestmark = pytest.mark.integration


def _run(code: str) -> str:
    import os

    env = {k: v for k, v in os.environ.items() if k != "WELFARE_NLP_THINC_TORCH"}  # the default behaviour
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout


def test_load_does_not_import_torch_and_torch_still_imports_after():
    code = ("import sys\nfrom welfare_nlp.pipeline import load\nnlp = load()\n"
            "rec = nlp('عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند.')._.record\n"
            "heavy = [m for m in ('torch', 'pandas', 'matplotlib', 'sklearn', 'scipy', 'transformers', 'typer', 'weasel') if m in sys.modules]\n"
            "print(','.join(heavy)); print(len(rec.officials), len(rec.head_counts))\n"
            "import importlib.util\n"
            "if importlib.util.find_spec('torch') is not None:\n"
            "    import torch; print('torch', torch.tensor([1, 2]).sum().item())\n")
    out = _run(code).splitlines()
    assert out[0] == ""                    # nothing heavy loaded by load() and one document
    assert out[1] == "1 1"
    if importlib.util.find_spec("torch") is not None:
        assert out[2] == "torch 3"         # torch hidden from thinc only, not from the process


def test_spacy_command_line_is_imported_on_first_use_only():
    code = ("import sys\nfrom welfare_nlp.pipeline import load\nload()\nimport spacy\n"
            "print('typer' in sys.modules, 'spacy.cli' in sys.modules)\n"
            "print(callable(spacy.cli.download), 'typer' in sys.modules)\n"        # read: the real one, imported
            "print(spacy.info()['spacy_version'] == spacy.__version__)\n"
            "import spacy.cli\nprint(type(spacy.cli).__name__, hasattr(spacy.cli, 'app'))\n")
    assert _run(code).split() == ["False", "False", "True", "True", "True", "module", "True"]
    code = "import sys\nimport welfare_nlp._spacy\nimport spacy.cli\nprint(hasattr(spacy.cli, 'app'), 'typer' in sys.modules)\n"
    assert _run(code).split() == ["True", "True"]       # ``import spacy.cli`` first: the real module at once


def test_cli_extract_imports_nothing_heavy(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند."}\n', encoding="utf-8")
    code = ("import sys\nfrom welfare_nlp.cli import main\n"
            f"try:\n    main(['extract', {str(src)!r}, '-o', {str(tmp_path / 'out.jsonl')!r}, '-j', '1'])\n"
            "except SystemExit:\n    pass\n"
            "print(','.join(m for m in ('torch', 'pandas', 'matplotlib', 'sklearn', 'scipy', 'transformers') "
            "if m in sys.modules))\n")
    assert _run(code).strip().splitlines()[-1:] in ([""], [])
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8").count("\n") == 1


def _modules_importing_spacy():
    from pathlib import Path

    package = Path(__file__).resolve().parents[2] / "welfare_nlp"
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "_spacy.py" and any(f"\n{s}" in text for s in ("from spacy", "import spacy",
                                                                       "from welfare_nlp._spacy", "import welfare_nlp._spacy")):
            yield ".".join(path.relative_to(package.parent).with_suffix("").parts)


@pytest.mark.parametrize("module", list(_modules_importing_spacy()))
def test_each_module_using_spacy_imports_it_without_torch(module):
    """Whichever module is imported first, spaCy comes through welfare_nlp._spacy (imported before it)."""
    out = _run(f"import sys, {module}\nprint('spacy' in sys.modules, 'torch' in sys.modules)")
    assert out.split() == ["True", "False"]
