import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from welfare_nlp.batch import runner as batch
from welfare_nlp.batch.runner import JsonlWriter, run
from welfare_nlp.cli import main

TEXT = "مدیر کل بهزیستی استان کرمان گفت: {i} میلیارد تومان به {n} نفر از مددجویان پرداخت شد. "


def _texts(n):
    return [(f"d{i:04d}", TEXT.format(i=i, n=i + 10) * (1 + i % 3)) for i in range(n)]


def _jsonl(path, docs):
    with open(path, "w", encoding="utf-8") as fh:
        for doc_id, text in docs:
            fh.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    return path


def _lines(path):
    raw = gzip.decompress(path.read_bytes()) if path.name.endswith(".gz") else path.read_bytes()
    return [json.loads(line) for line in raw.decode("utf-8").splitlines()]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A directory with good, empty, binary, undecodable and oversize documents, and a .jsonl."""
    d = tmp_path_factory.mktemp("mixed")
    for doc_id, text in _texts(12):
        (d / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    (d / "empty.txt").write_text("  \n", encoding="utf-8")
    (d / "binary.txt").write_bytes(b"\x7fELF\x00\x01" * 50)
    (d / "undecodable.txt").write_bytes(bytes(range(128, 256)) * 4)
    (d / "huge.txt").write_text(TEXT.format(i=1, n=2) * 200, encoding="utf-8")
    _jsonl(d / "more.jsonl", _texts(30)[12:])
    return d


@pytest.mark.integration
def test_parallel_output_equals_serial_and_errors_are_lines(mixed, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    paths = [str(mixed), str(mixed / "more.jsonl")]
    s1 = run(paths, str(one), jobs=1, max_chars=5000, progress=False, log=lambda m: None)
    s2 = run(paths, str(two), jobs=2, max_chars=5000, progress=False, log=lambda m: None, recycle=5, chunksize=1)
    assert one.read_bytes() == two.read_bytes()  # workers replaced every 5 documents on the way
    recs = _lines(one)
    assert len(recs) == 34 and len({r["id"] for r in recs}) == 34
    errors = {r["id"]: r["error"]["code"] for r in recs if "error" in r}
    assert errors == {"empty": "E001", "binary": "E004", "undecodable": "E004", "huge": "E003"}
    assert all(r["id"] in r["error"]["message"] for r in recs if "error" in r)
    assert [r["encoding"] for r in recs if r["id"] == "d0003"] == ["utf-8"]
    assert (s1.documents, s1.records, dict(s1.errors)) == (34, 30, {"E001": 1, "E003": 1, "E004": 2})
    assert s2.line().startswith("34 documents, 30 records, errors E001: 1, E003: 1, E004: 2")


@pytest.mark.integration
def test_an_unexpected_failure_is_an_e010_line_not_a_crash(tmp_path, monkeypatch):
    src = _jsonl(tmp_path / "in.jsonl", _texts(3))

    def prepare(doc):
        if doc.id == "d0001":
            raise RuntimeError("parser crashed")
        return doc

    monkeypatch.setattr(batch, "prepare", prepare)
    out = tmp_path / "o.jsonl"
    s = run([str(src)], str(out), progress=False, log=lambda m: None)
    recs = _lines(out)
    assert [r.get("error", {}).get("code") for r in recs] == [None, "E010", None] and dict(s.errors) == {"E010": 1}
    assert "parser crashed" in recs[1]["error"]["message"] and "d0001" in recs[1]["error"]["message"]


def test_reading_is_bounded_by_the_documents_in_flight(tmp_path, monkeypatch):
    src = _jsonl(tmp_path / "in.jsonl", _texts(400))
    read = []
    real = batch.read_inputs

    def counting(*a, **kw):
        for doc in real(*a, **kw):
            read.append(doc.id)
            yield doc

    monkeypatch.setattr(batch, "read_inputs", counting)
    ahead = []
    run([str(src)], str(tmp_path / "o.jsonl"), jobs=2, chunksize=2, progress=False,
        on_outcome=lambda out: ahead.append(len(read)))
    assert len(ahead) == 400
    assert max(a - i for i, a in enumerate(ahead, 1)) <= 64 + 2  # the slots (64) and one chunk


@pytest.mark.integration
def test_resume_cuts_a_half_written_line_and_skips_written_ids(tmp_path):
    src = _jsonl(tmp_path / "in.jsonl", _texts(20))
    out = tmp_path / "out.jsonl"
    run([str(src)], str(out), limit=7, progress=False)
    whole = out.read_bytes()
    with open(out, "ab") as fh:
        fh.write(b'{"id": "d0007", "version": "0.1.0", "offic')  # a killed run's last write
    s = run([str(src)], str(out), resume=True, progress=False)
    assert (s.skipped, s.documents) == (7, 13)
    recs = _lines(out)
    assert [r["id"] for r in recs] == [d for d, _ in _texts(20)]
    assert out.read_bytes().startswith(whole)


@pytest.mark.integration
def test_resume_counts_earlier_errors_for_the_exit_code(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": " "}\n{"id": "b", "text": "استان کرمان"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(src), "-o", str(out), "-q"]) == 1
    assert main(["extract", str(src), "-o", str(out), "-q", "--resume"]) == 1  # nothing new, the error stays
    assert len(_lines(out)) == 2


def test_resume_refuses_an_output_that_is_not_ours(tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    out.write_text("hello\n", encoding="utf-8")
    assert main(["extract", str(_jsonl(tmp_path / "in.jsonl", _texts(2))), "-o", str(out), "--resume"]) == 2
    assert "E014" in capsys.readouterr().err


@pytest.mark.integration
def test_gzip_output_resumes_after_a_cut_member(tmp_path):
    import zlib

    src = _jsonl(tmp_path / "in.jsonl", _texts(30))
    out = tmp_path / "out.jsonl.gz"
    run([str(src)], str(out), limit=10, progress=False)
    # a second run killed while writing its member: five lines behind a sync point, then a cut
    lines = [json.dumps({"id": d}) + "\n" for d, _ in _texts(20)[10:]]
    c = zlib.compressobj(wbits=31)
    head = c.compress("".join(lines[:5]).encode()) + c.flush(zlib.Z_SYNC_FLUSH)
    tail = c.compress("".join(lines[5:]).encode()) + c.flush(zlib.Z_SYNC_FLUSH)
    out.write_bytes(out.read_bytes() + head + tail[: len(tail) // 2])
    w = JsonlWriter(str(out), resume=True)
    w.close()
    assert 15 <= len(w.done) < 20
    run([str(src)], str(out), resume=True, progress=False)
    run([str(src)], str(out), resume=True, progress=False)  # appending a member to a whole file
    assert [r["id"] for r in _lines(out)] == [d for d, _ in _texts(30)]


@pytest.mark.integration
def test_progress_bar_when_asked(tmp_path, capsys):
    src = _jsonl(tmp_path / "in.jsonl", _texts(3))
    run([str(src)], str(tmp_path / "o.jsonl"), progress=True)
    assert "doc" in capsys.readouterr().err
    run([str(src)], str(tmp_path / "o.jsonl"))  # not a terminal: quiet
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------- SIGKILL at random points, then --resume
def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    if path.is_dir():
        path = path / "documents.csv"
        return max(0, _count_lines(path) - 1) if path.exists() else 0
    if path.name.endswith(".gz"):
        state: dict = {}
        return sum(1 for _ in batch._gzip_lines(path, state))
    with open(path, "rb") as fh:
        return fh.read().count(b"\n")


def _cli(src, out, jobs, fmt, resume):
    cmd = [sys.executable, "-m", "welfare_nlp", "extract", str(src), "-o", str(out), "-j", str(jobs), "-q",
           "--format", fmt]
    return cmd + (["--resume"] if resume else [])


@pytest.mark.integration
@pytest.mark.parametrize("name,jobs,fmt", [("out.jsonl", 2, "jsonl"), ("out.jsonl.gz", 1, "jsonl"),
                                           ("tables", 2, "csv")])
def test_sigkill_at_random_points_then_resume_loses_and_duplicates_nothing(tmp_path, name, jobs, fmt):
    seed = random.randrange(1 << 30)
    rnd = random.Random(seed)
    docs = _texts(900)
    src = _jsonl(tmp_path / "in.jsonl", docs)
    out = tmp_path / name
    kills = 0
    for round_ in range(5):
        if kills == 3:
            break
        before = _count_lines(out)
        proc = subprocess.Popen(_cli(src, out, jobs, fmt, resume=round_ > 0), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        target = before + rnd.randint(1, 100)
        while proc.poll() is None and _count_lines(out) < target:
            time.sleep(0.02)
        time.sleep(rnd.uniform(0, 0.1))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait()
    assert kills >= 3, f"seed {seed}: the runs ended before they could be killed"
    done = subprocess.run(_cli(src, out, jobs, fmt, resume=True), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    if fmt == "csv":
        import csv

        with open(out / "documents.csv", encoding="utf-8", newline="") as fh:
            ids = [row["doc_id"] for row in csv.DictReader(fh)]
        with open(out / "amounts.csv", encoding="utf-8", newline="") as fh:
            amounts = [row["doc_id"] for row in csv.DictReader(fh)]
        assert sorted(amounts) == sorted(d for d, t in docs for _ in range(t.count("میلیارد")))
    else:
        ids = [r["id"] for r in _lines(out)]  # every line is whole JSON
    assert sorted(ids) == [d for d, _ in docs], f"seed {seed}"


@pytest.mark.integration
def test_topic_filter_keeps_only_that_topic(tmp_path):
    """--topic social: records on other topics are left out and counted; error rows stay."""
    from welfare_nlp.cli import main

    src = tmp_path / "in.jsonl"
    social = ("مدیرکل بهزیستی استان کرمان گفت: ۵۰۰ زن سرپرست خانوار و معلولان تحت پوشش بهزیستی مستمری و "
              "تسهیلات اشتغال گرفتند و مددکاران اجتماعی از خانواده‌های نیازمند و کودکان بی‌سرپرست حمایت کردند.")
    sports = ("تیم ملی فوتبال ایران در دیدار دوستانه با دو گل پیروز شد و سرمربی تیم ملی از بازیکنان و هواداران "
              "در ورزشگاه آزادی تشکر کرد؛ لیگ برتر فوتبال هفته آینده با دیدار پرسپولیس و استقلال ادامه دارد.")
    lines = [{"id": "s", "text": social}, {"id": "f", "text": sports}, {"id": "e", "text": "  "}]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    rc = main(["extract", str(src), "-o", str(out), "-q", "--topic", "social"])
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert rc == 1  # the empty document is an error
    assert [r["id"] for r in rows] == ["s", "e"]
    assert rows[0]["topic"] == "social" or rows[0]["social_probability"] >= 0.5
    assert main(["extract", str(src), "-o", str(tmp_path / "x.jsonl"), "-q", "--topic", "gardening"]) == 2


# ---------------------------------------------------------------- the package-level functions (issue 18)
@pytest.mark.integration
def test_package_extract_takes_what_pipeline_extract_takes_and_e003_speaks_library(nlp, tmp_path, capsys):
    import welfare_nlp
    from welfare_nlp.errors import DocumentTooLarge

    text = "استان کرمان " * 20
    with pytest.raises(DocumentTooLarge) as exc:
        welfare_nlp.extract(text, max_chars=50, nlp=nlp)
    assert exc.value.code == "E003" and "max_chars=None" in str(exc.value) and "--max-chars" not in str(exc.value)
    rec = welfare_nlp.extract(text, max_chars=None, nlp=nlp)
    assert rec.provinces[0].code == "IR-08"
    assert welfare_nlp.extract_doc(text, max_chars=None, nlp=nlp)._.record.provinces[0].code == "IR-08"
    with pytest.raises(DocumentTooLarge):
        welfare_nlp.extract("کار " * 200_000, nlp=nlp)   # the default limit still holds
    # the command line speaks in its own terms
    f = tmp_path / "long.txt"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(f), "-o", str(out), "--max-chars", "50", "-q"]) == 1
    msg = json.loads(out.read_text(encoding="utf-8"))["error"]["message"]
    assert "--max-chars" in msg and "max_chars=None" not in msg


class _Cycle:
    def __init__(self):
        self.me = self


def test_few_collections_freezes_the_loaded_objects_collects_garbage_and_puts_settings_back():
    import gc
    import weakref

    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert frozen == 0   # nothing in the test process freezes objects outside a run
    with batch.few_collections(young=5_000):
        assert gc.get_threshold() == (5_000, *before[1:])
        assert gc.get_freeze_count() > 0
        with batch.few_collections():            # a second run (another thread's) changes nothing ...
            assert gc.get_threshold()[0] == 5_000
        assert gc.get_threshold()[0] == 5_000    # ... and its end puts nothing back while the first runs
        garbage = _Cycle()
        dead = weakref.ref(garbage)
        del garbage
        kept = [[] for _ in range(3 * 5_000)]    # three thresholds' worth of new objects: the cycle is collected
        assert dead() is None and len(kept) == 15_000
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_few_collections_leaves_objects_frozen_by_someone_else_frozen():
    import gc

    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with batch.few_collections():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()
