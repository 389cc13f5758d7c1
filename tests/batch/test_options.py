"""One options object for batch runs (``welfare_nlp.settings.BatchOptions``): its defaults, checks and overrides,
and that ``run`` with it writes what ``run`` with keyword arguments writes.

The unit tests run the batch runner with the rule stages' pipeline (``rules_nlp``: no model); the one test
through the shipped pipeline and worker processes is marked ``integration``."""
import dataclasses
import gzip
import json
import pickle
from pathlib import Path

import pytest

from welfare_nlp.batch import distributed, runner
from welfare_nlp.batch.readers import Fields as ReadersFields
from welfare_nlp.batch.readers import InputDoc, read_inputs
from welfare_nlp.cli import batch_options, build_parser, main
from welfare_nlp.settings import FORMATS, MAX_BYTES, MAX_CHARS, MAX_EXPANSION, BatchOptions, Fields, OptionError

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

DOC_A = "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر پرداخت شد."
DOC_B = "در استان گیلان بیش از ۲۰ میلیون تومان به ۴۰ خانوار مددجو و ۱۲ نفر کارجو داده شد."

# the defaults of batch.runner.run's keyword arguments before the options object (and of welfare-nlp extract)
DEFAULTS = [
    ("jobs", 1), ("fmt", "jsonl"), ("gz", None), ("resume", False), ("fields", Fields("id", "text", None)),
    ("max_chars", 500_000), ("max_bytes", 64 * 1024 * 1024), ("max_expansion", 200), ("progress", None),
    ("limit", None), ("chunksize", 64), ("recycle", 20_000), ("topic", None), ("window", 256),
]


@pytest.fixture()
def src(tmp_path):
    """A .jsonl with two documents, an empty one (E001) and a long one (E003 under a small max_chars), with the
    fields named uid/body."""
    f = tmp_path / "in.jsonl"
    docs = [("a", DOC_A), ("b", DOC_B), ("empty", " "), ("long", DOC_A * 3), ("c", DOC_B + DOC_A)]
    with open(f, "w", encoding="utf-8") as fh:
        for doc_id, text in docs:
            fh.write(json.dumps({"uid": doc_id, "body": text}, ensure_ascii=False) + "\n")
    return f


def _quiet(_message):
    pass


# ---------------------------------------------------------------- the object
@pytest.mark.parametrize("name,default", DEFAULTS, ids=[n for n, _ in DEFAULTS])
def test_defaults_are_todays(name, default):
    assert getattr(BatchOptions(), name) == default


def test_the_defaults_table_names_every_setting_and_the_limits_are_the_settings_module_s():
    assert [n for n, _ in DEFAULTS] == list(BatchOptions.names())
    o = BatchOptions()
    assert (o.max_chars, o.max_bytes, o.max_expansion) == (MAX_CHARS, MAX_BYTES, MAX_EXPANSION)


def test_fields_is_one_class_from_settings_and_readers():
    assert ReadersFields is Fields and runner.Fields is Fields


@pytest.mark.parametrize("changes,expected", [
    ({"jobs": 4}, {"jobs": 4}),
    ({"fmt": "csv", "resume": True}, {"fmt": "csv", "resume": True}),
    ({"max_chars": None}, {"max_chars": None}),            # no limit, as extract(max_chars=None)
    ({"limit": 0}, {"limit": 0}),
    ({"recycle": None}, {"recycle": None}),
    ({"recycle": 0}, {"recycle": 0}),
    ({"fields": None}, {"fields": Fields()}),              # None: the default names
    ({"fields": Fields(id="uid")}, {"fields": Fields("uid", "text", None)}),
    ({"topic": "social"}, {"topic": ("social",)}),         # one name, or several: a tuple either way
    ({"topic": ["social", "economy"]}, {"topic": ("social", "economy")}),
    ({"topic": []}, {"topic": None}),                      # no name: no filter
    ({"gz": True, "progress": False}, {"gz": True, "progress": False}),
    ({"window": 5, "chunksize": 1}, {"window": 5, "chunksize": 1}),
])
def test_overrides_change_only_what_they_name(changes, expected):
    base = BatchOptions(jobs=2, max_bytes=1000)
    for made in (base.replace(**changes), BatchOptions.of(base, **changes), dataclasses.replace(base, **changes)):
        want = {**{n: getattr(base, n) for n in BatchOptions.names()}, **expected}
        assert {n: getattr(made, n) for n in BatchOptions.names()} == want
    assert base == BatchOptions(jobs=2, max_bytes=1000)  # the original is unchanged
    assert BatchOptions.of(None, **changes) == BatchOptions(**changes)


def test_no_overrides_is_the_same_object_and_no_options_the_defaults():
    o = BatchOptions(jobs=3)
    assert BatchOptions.of(o) is o and o.replace() is o
    assert BatchOptions.of() == BatchOptions.of(None) == BatchOptions()


@pytest.mark.parametrize("name,value,least", [
    ("jobs", 0, 1), ("jobs", -1, 1), ("jobs", 1.5, 1), ("jobs", True, 1), ("jobs", "2", 1), ("jobs", None, 1),
    ("chunksize", 0, 1), ("window", 0, 1), ("max_bytes", 0, 1), ("max_bytes", None, 1),
    ("max_expansion", 0, 1), ("max_chars", 0, 1), ("max_chars", -5, 1), ("limit", -1, 0), ("recycle", -1, 0),
])
def test_a_number_out_of_range_is_a_value_error_that_names_it(name, value, least):
    with pytest.raises(ValueError, match=rf"^{name}: must be a whole number of at least {least}") as exc:
        BatchOptions(**{name: value})
    assert isinstance(exc.value, OptionError)
    assert (exc.value.option, exc.value.value, exc.value.least) == (name, value, least)
    with pytest.raises(OptionError):
        BatchOptions().replace(**{name: value})


@pytest.mark.parametrize("fmt", ["xml", "JSONL", "", "json", None])
def test_an_unknown_format_is_a_value_error_that_lists_the_formats(fmt):
    with pytest.raises(ValueError, match=r"^fmt: unknown format .*; one of jsonl, csv, parquet$"):
        BatchOptions(fmt=fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_taken(fmt):
    assert BatchOptions(fmt=fmt).fmt == fmt


@pytest.mark.parametrize("fields", [{"id": "uid"}, "uid", ("uid", "body")])
def test_fields_must_be_a_fields(fields):
    with pytest.raises(ValueError, match=r"^fields: expected a Fields"):
        BatchOptions(fields=fields)


@pytest.mark.parametrize("changes,named", [
    ({"jbos": 2}, "'jbos' (did you mean 'jobs'?)"),
    ({"format": "csv"}, "'format'"),
    ({"max_char": 5}, "'max_char' (did you mean 'max_chars'?)"),
    ({"jobs": 2, "scheduler": "tcp://x:8786"}, "'scheduler'"),
])
def test_an_unknown_option_is_a_type_error_that_names_it(changes, named):
    with pytest.raises(TypeError, match="unknown batch option") as exc:
        BatchOptions().replace(**changes)
    assert named in str(exc.value) and "the options are jobs, fmt," in str(exc.value)


def test_options_must_be_a_batch_options():
    with pytest.raises(TypeError, match="options must be a BatchOptions, not dict"):
        BatchOptions.of({"jobs": 2})


def test_frozen_hashable_and_picklable():
    o = BatchOptions(jobs=2, fields=Fields(id="uid", date="meta.date"), topic=["social"], max_chars=None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.jobs = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.fields.id = "x"
    assert hash(o) == hash(BatchOptions(jobs=2, fields=Fields(id="uid", date="meta.date"), topic="social",
                                        max_chars=None))
    assert pickle.loads(pickle.dumps(o)) == o  # it goes to the worker processes and the Dask workers whole
    assert o != o.replace(jobs=3)


# ---------------------------------------------------------------- the functions that take it
def test_unknown_keywords_are_type_errors_before_anything_is_written(tmp_path):
    out = tmp_path / "o.jsonl"
    with pytest.raises(TypeError, match="'jbos' .did you mean 'jobs'"):
        runner.run([str(tmp_path)], str(out), jbos=2)
    with pytest.raises(TypeError, match="'windows' .did you mean 'window'"):
        distributed.run([str(tmp_path)], str(out), scheduler="tcp://127.0.0.1:1", windows=5)
    with pytest.raises(TypeError, match="'max_char'"):
        distributed.extract_bag([], max_char=5)
    with pytest.raises(TypeError, match="'topics'"):
        runner.process_many([], None, topics="social")
    with pytest.raises(TypeError, match="options must be a BatchOptions"):
        runner.run([str(tmp_path)], str(out), {"jobs": 2})
    assert not out.exists()


def test_bad_values_and_topics_are_value_errors_before_anything_is_written(tmp_path):
    out = tmp_path / "o.jsonl"
    with pytest.raises(ValueError, match="^jobs: "):
        runner.run([str(tmp_path)], str(out), jobs=0)
    with pytest.raises(ValueError, match="^fmt: unknown format 'xml'"):
        runner.run([str(tmp_path)], str(out), BatchOptions(), fmt="xml")
    with pytest.raises(ValueError, match=r"unknown topic\(s\) \['gardening'\]"):
        runner.run([str(tmp_path)], str(out), BatchOptions(topic="gardening"))
    with pytest.raises(ValueError, match=r"unknown topic\(s\) \['gardening'\]"):
        distributed.run([str(tmp_path)], str(out), BatchOptions(topic="gardening"), scheduler="tcp://127.0.0.1:1")
    assert not out.exists()


def _lines(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data  # not the gzip header: it holds the time


def _written(out: Path) -> dict[str, bytes]:
    if out.is_dir():
        return {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    return {out.name: _lines(out)}


RUNS = [  # keyword arguments of a run; each is also made as BatchOptions, and as BatchOptions plus overrides
    {},
    {"max_chars": 150},
    {"limit": 3, "chunksize": 1},
    {"fmt": "csv"},
    {"gz": True},
    {"topic": "social"},  # the rule pipeline gives no topic: every record is left out, error rows stay
]


@pytest.mark.parametrize("kw", RUNS, ids=lambda kw: ",".join(kw) or "defaults")
def test_run_with_options_writes_what_run_with_keywords_writes(kw, src, tmp_path, rules_nlp):
    kw = {"fields": Fields(id="uid", text="body"), "progress": False, **kw}
    name = "tables" if kw.get("fmt") == "csv" else "o.jsonl"
    outs = [tmp_path / "keywords" / name, tmp_path / "options" / name, tmp_path / "mixed" / name]
    first, *rest = list(kw.items())
    summaries = [
        runner.run([str(src)], str(outs[0]), nlp=rules_nlp, log=_quiet, **kw),
        runner.run([str(src)], str(outs[1]), BatchOptions(**kw), nlp=rules_nlp, log=_quiet),
        runner.run([str(src)], str(outs[2]), BatchOptions(**dict([first])), nlp=rules_nlp, log=_quiet, **dict(rest)),
    ]
    written = [_written(o) for o in outs]
    assert written[0] == written[1] == written[2] and written[0]
    counts = [(s.documents, s.records, s.filtered, sorted(s.errors.items())) for s in summaries]
    assert counts[0] == counts[1] == counts[2]
    s = summaries[0]
    # the settings took effect
    assert s.documents == kw.get("limit", 5)
    if "max_chars" in kw:
        assert dict(s.errors) == {"E001": 1, "E003": 2}  # "long" and "c" are over 150 characters
    elif "limit" not in kw:
        assert dict(s.errors) == {"E001": 1}
    if kw.get("topic"):
        assert s.filtered == 4 and s.records == 0 and list(written[0].values())[0].count(b"\n") == 1
    if kw.get("gz"):
        assert outs[0].read_bytes()[:2] == b"\x1f\x8b"  # gzipped though the name has no .gz
    if kw.get("fmt") == "csv":
        assert "documents.csv" in written[0]


def test_resume_as_an_option_and_as_a_keyword(src, tmp_path, rules_nlp):
    fields = Fields(id="uid", text="body")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    options = BatchOptions(fields=fields, progress=False, limit=2)
    runner.run([str(src)], str(a), options, nlp=rules_nlp, log=_quiet)
    runner.run([str(src)], str(b), options, nlp=rules_nlp, log=_quiet)
    sa = runner.run([str(src)], str(a), options.replace(resume=True, limit=None), nlp=rules_nlp, log=_quiet)
    sb = runner.run([str(src)], str(b), options, resume=True, limit=None, nlp=rules_nlp, log=_quiet)
    assert (sa.skipped, sa.documents) == (sb.skipped, sb.documents) == (2, 3)
    assert a.read_bytes() == b.read_bytes()
    assert [json.loads(line)["id"] for line in a.read_text(encoding="utf-8").splitlines()] == \
        ["a", "b", "empty", "long", "c"]


def test_the_worker_holds_the_pipeline_and_the_options(monkeypatch, rules_nlp):
    monkeypatch.setattr(runner, "_WORKER", {})
    monkeypatch.setattr(runner, "default_nlp", lambda: rules_nlp)
    options = BatchOptions(fmt="csv", max_chars=100)
    runner._init_worker(options, ignore_sigint=False)
    assert runner._WORKER["nlp"] is rules_nlp and runner._WORKER["options"] is options
    docs = [InputDoc("a", DOC_A), InputDoc("long", DOC_A * 3)]
    outcomes = runner._work_many(docs)
    assert [(o.id, o.code) for o in outcomes] == [("a", None), ("long", "E003")]
    assert set(outcomes[0].payload) >= {"documents", "amounts"}  # table rows: fmt reached the worker


def test_process_many_takes_options_or_overrides(rules_nlp):
    docs = [InputDoc("a", DOC_A), InputDoc("b", DOC_B)]
    by_options = runner.process_many(docs, rules_nlp, BatchOptions(max_chars=80))
    by_keyword = runner.process_many(docs, rules_nlp, max_chars=80)
    assert [(o.id, o.code, o.payload) for o in by_options] == [(o.id, o.code, o.payload) for o in by_keyword]
    assert [o.code for o in by_options] == ["E003", None]  # DOC_A is over 80 characters, DOC_B is not
    assert isinstance(runner.process_many(docs, rules_nlp)[1].payload, str)  # default: JSON lines


def test_the_dask_bag_carries_the_options_to_its_partitions(monkeypatch, src, rules_nlp):
    pytest.importorskip("dask.bag")
    monkeypatch.setattr(distributed, "default_nlp", lambda: rules_nlp)
    docs = list(read_inputs([str(src)], Fields(id="uid", text="body"), prepare=False))
    options = BatchOptions(max_chars=150, chunksize=2)
    bag = distributed.extract_bag(docs, options, npartitions=2)
    outcomes = bag.compute(scheduler="sync")
    here = runner.process_many(docs, rules_nlp, options)
    assert [(o.id, o.code, o.payload) for o in outcomes] == [(o.id, o.code, o.payload) for o in here]
    assert [o.code for o in outcomes] == [None, None, "E001", "E003", "E003"]
    by_keyword = distributed.extract_bag(docs, npartitions=2, max_chars=150).compute(scheduler="sync")
    assert [(o.id, o.code) for o in by_keyword] == [(o.id, o.code) for o in outcomes]


# ---------------------------------------------------------------- the command line builds one
def _args(*argv):
    return build_parser().parse_args(["extract", *argv])


@pytest.mark.parametrize("argv,expected", [
    ((), BatchOptions()),
    (("-j", "3", "--resume", "-o", "out.jsonl"), BatchOptions(jobs=3, resume=True)),
    (("--format", "csv", "-o", "tables"), BatchOptions(fmt="csv")),
    (("--gzip", "-q"), BatchOptions(gz=True, progress=False)),
    (("--id-field", "uid", "--text-field", "body", "--date-field", "meta.date"),
     BatchOptions(fields=Fields("uid", "body", "meta.date"))),
    (("--max-chars", "10", "--max-bytes", "20", "--max-expansion", "3"),
     BatchOptions(max_chars=10, max_bytes=20, max_expansion=3)),
    (("--topic", "social,economy"), BatchOptions(topic=("social", "economy"))),
])
def test_the_cli_builds_one_options_object(argv, expected):
    assert batch_options(_args("in.jsonl", *argv)) == expected


@pytest.mark.parametrize("flag,value", [("--max-chars", "0"), ("--max-bytes", "-1"), ("--max-expansion", "0")])
def test_the_cli_refuses_a_limit_under_one(flag, value, tmp_path, capsys):
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(CORPUS), "-o", str(out), flag, value]) == 2
    assert capsys.readouterr().err == f"welfare-nlp: {flag} must be at least 1, not {value}\n"
    assert not out.exists()


# ---------------------------------------------------------------- the shipped pipeline, in worker processes
@pytest.mark.integration
def test_options_reach_the_worker_processes_and_give_the_keyword_run_s_output(tmp_path):
    paths = [str(CORPUS)]
    a, b = tmp_path / "options.jsonl", tmp_path / "keywords.jsonl"
    options = BatchOptions(jobs=2, chunksize=2, max_chars=1500, progress=False)
    sa = runner.run(paths, str(a), options, log=_quiet)
    sb = runner.run(paths, str(b), jobs=1, max_chars=1500, progress=False, log=_quiet)
    assert a.read_bytes() == b.read_bytes()
    rows = [json.loads(line) for line in a.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6 and sa.documents == sb.documents == 6
    # c03..c06 are under 1,500 characters, c01 and c02 over: max_chars reached the workers
    assert {r["id"]: r.get("error", {}).get("code") for r in rows} == {
        "c01_mashhad_facilitator_workshop": "E003", "c02_hamedan_employment_meeting": "E003",
        "c03_ministry_microloan_funding": None, "c04_yasuj_charity_agreement": None,
        "c05_shiraz_rehab_center_visit": None, "c06_gilan_social_emergency_interview": None}
    assert dict(sa.errors) == dict(sb.errors) == {"E003": 2}
