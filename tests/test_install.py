"""An ordinary install (a built wheel, not the editable checkout) carries the shipped models.

The integration test builds the wheel as ``pip wheel`` does, installs it into a fresh virtualenv outside
the checkout (its dependencies come from this environment: ``--system-site-packages``, nothing is
downloaded) and runs the corpus extraction there: NER entities and topics must be present.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("WELFARE_NLP_NER", "WELFARE_NLP_TOPIC", "PYTHONPATH")}
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(ROOT)], check=True, env=_env(), cwd=out)
    (whl,) = out.glob("welfare_nlp-*.whl")
    return whl


@pytest.mark.integration
def test_the_wheel_carries_the_shipped_models_but_not_the_previous_one(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for rel in ("ner/config.cfg", "ner/meta.json", "ner/welfare_tagger/tagger.npz", "ner/vocab/vectors",
                "topic/config.json", "topic/model.npz"):
        assert f"welfare_nlp/models/{rel}" in names, rel
    assert not any("ner_cnn" in n for n in names)   # the old CNN model: not on the default path


@pytest.mark.integration
def test_a_wheel_installed_in_a_fresh_venv_extracts_with_ner_and_topics(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    py = venv / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True,
                   env=_env(), cwd=tmp_path)
    where = subprocess.run([str(py), "-c", "import welfare_nlp, welfare_nlp.ner.component as n, welfare_nlp.extractors.topic as t; "
                            "print(welfare_nlp.__file__); print(n.DEFAULT_MODEL); print(t.DEFAULT_MODEL)"],
                           check=True, env=_env(), cwd=tmp_path, capture_output=True, text=True).stdout.split("\n")
    for line in where[:3]:   # the installed package and its own models, not the checkout's
        assert Path(line).resolve().is_relative_to(venv.resolve()), where
    out = tmp_path / "out.jsonl"
    run = subprocess.run([str(venv / "bin" / "welfare-nlp"), "extract", str(ROOT / "corpus"), "-o", str(out), "-q"],
                         env=_env(), cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(list((ROOT / "corpus").glob("*.txt")))
    assert all(r.get("topic") for r in records)
    assert sum(e["source"] == "model:ner" for r in records for e in r["entities"]) > 0


def test_a_missing_shipped_model_is_a_coded_error_not_a_warning(tmp_path, monkeypatch):
    import welfare_nlp
    from welfare_nlp.errors import ModelNotFound, TopicModelNotFound

    monkeypatch.setenv("WELFARE_NLP_NER", str(tmp_path / "no-ner"))
    with pytest.raises(ModelNotFound, match="WELFARE_NLP_NER") as exc:
        welfare_nlp.load()
    assert exc.value.code == "E008" and "ner=None" in str(exc.value)
    monkeypatch.delenv("WELFARE_NLP_NER")
    monkeypatch.setenv("WELFARE_NLP_TOPIC", str(tmp_path / "no-topic"))
    with pytest.raises(TopicModelNotFound) as exc:
        welfare_nlp.load(ner=None)
    assert exc.value.code == "E017" and "stages" in str(exc.value)
    from welfare_nlp.pipeline.factories import STAGES

    nlp = welfare_nlp.load(ner=None, stages=[s for s in STAGES if s not in ("ner", "topic")])   # rules only
    assert "welfare_topic" not in nlp.pipe_names


def test_the_cli_stops_with_the_code_when_a_shipped_model_is_missing(tmp_path, monkeypatch, capsys):
    from welfare_nlp.cli import main

    doc = tmp_path / "a.txt"
    doc.write_text("استان کرمان", encoding="utf-8")
    monkeypatch.setenv("WELFARE_NLP_TOPIC", str(tmp_path / "no-topic"))
    assert main(["extract", str(doc), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 2
    assert "[E017]" in capsys.readouterr().err


def test_models_are_found_in_the_package_first_then_in_the_checkout(tmp_path, monkeypatch):
    from welfare_nlp import settings as shipped

    assert shipped.model_dir("ner") == ROOT / "models" / "ner"   # a checkout: the top-level models/
    monkeypatch.setattr(shipped, "INSTALLED", tmp_path)
    (tmp_path / "ner").mkdir()
    assert shipped.model_dir("ner") == tmp_path / "ner"


@pytest.mark.integration
def test_the_sdist_carries_the_shipped_models_but_not_the_previous_one(tmp_path):
    import tarfile

    code = ("import sys; from setuptools import build_meta as b; "
            f"print(b.build_sdist({str(tmp_path)!r}))")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=_env(), capture_output=True)
    (sdist,) = tmp_path.glob("welfare_nlp-*.tar.gz")
    names = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
    assert {"models/ner/config.cfg", "models/ner/welfare_tagger/tagger.npz", "models/topic/model.npz",
            "pyproject.toml", "MANIFEST.in"} <= names
    assert not any(n.startswith("models/ner_cnn") for n in names)
