import json

import pytest

from welfare_nlp.cli import main

pytestmark = pytest.mark.integration

TEXT = "مدیر کل بهزیستی استان کرمان گفت: {i} میلیارد تومان به {n} نفر از مددجویان پرداخت شد."


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as c:
        yield c


def _src(tmp_path, n):
    f = tmp_path / "in.jsonl"
    with open(f, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i:03d}", "text": TEXT.format(i=i + 1, n=i + 10)}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"id": "blank", "text": ""}) + "\n")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.html").write_text(
        "<html><head><title>خبر</title></head><body><article><p>" + TEXT.format(i=7, n=70) * 4
        + "</p></article></body></html>", encoding="utf-8")
    return f


def test_dask_cluster_gives_the_same_output_as_local_processes(cluster, tmp_path):
    src = _src(tmp_path, 40)
    paths = [str(src), str(tmp_path / "pages")]
    local, remote = tmp_path / "local.jsonl", tmp_path / "remote.jsonl"
    assert main(["extract", *paths, "-o", str(local), "-q"]) == 1  # "blank" is an error line
    assert main(["extract", *paths, "-o", str(remote), "-q", "--scheduler", cluster.scheduler_address]) == 1
    assert remote.read_bytes() == local.read_bytes()
    recs = [json.loads(line) for line in remote.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 42 and recs[40]["error"]["code"] == "E001" and recs[41]["title"] == "خبر"


def test_dask_resume_and_bag(cluster, tmp_path):
    from distributed import Client

    from welfare_nlp.batch import distributed as wdask
    from welfare_nlp.batch.readers import read_inputs

    src = _src(tmp_path, 30)
    out = tmp_path / "out.jsonl"
    with Client(cluster) as client:
        first = wdask.run([str(src)], str(out), scheduler=client, limit=12, window=5, log=lambda m: None)
        rest = wdask.run([str(src)], str(out), scheduler=client, resume=True, window=5, log=lambda m: None)
        bag = wdask.extract_bag(read_inputs([str(src)], prepare=False), npartitions=3)
        outcomes = bag.compute(scheduler=client)
    assert (first.documents, rest.skipped, rest.documents, dict(rest.errors)) == (12, 12, 19, {"E001": 1})
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"d{i:03d}" for i in range(30)] + ["blank"]
    assert [o.id for o in outcomes] == ids and outcomes[0].code is None
