from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    import welfare_nlp

    return welfare_nlp.load()


@pytest.fixture(scope="session")
def extract(nlp):
    """Extract a record with the session's pipeline (loaded once)."""
    from welfare_nlp.pipeline import extract as _extract

    def run(text, **kw):
        return _extract(text, nlp=nlp, **kw)

    return run


def needs_shared(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not present")


# filled by tests/pipeline/test_robustness.py, printed at the end of the run (CI shows it)
ROBUSTNESS: dict = {}


def pytest_terminal_summary(terminalreporter):
    if ROBUSTNESS.get("line"):
        terminalreporter.write_sep("-", "robustness")
        terminalreporter.write_line(ROBUSTNESS["line"])
