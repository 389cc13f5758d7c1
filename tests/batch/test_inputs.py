import gzip
import io
import json

import pytest

from welfare_nlp.batch.readers import Fields, decode, html_main_text, prepare, read_inputs

TEXT = "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: ۳۵ نفر تسهیلگر در برنامه‌های اشتغال فعال شدند."
# what an older Persian site in Windows-1256 could hold: Arabic yeh, ASCII digits (the code page has
# neither the Persian yeh nor Persian digits)
TEXT_1256 = "عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: 35 نفر تسهيلگر فعال شدند و 360 ميليارد ريال پرداخت شد."

PAGE = """<!DOCTYPE html><html lang="fa"><head><meta charset="{charset}">
<title>{title}</title><meta property="article:published_time" content="2020-01-07T10:00:00+03:30"></head>
<body><nav><a href="/">صفحه اصلی</a> | <a href="/x">اخبار</a></nav>
<article><h1>{title}</h1><p>{text}</p><p>{text}</p><p>این برنامه‌ها در سال جاری ادامه می‌یابد و گزارش آن منتشر می‌شود.</p></article>
<footer>تمامی حقوق محفوظ است</footer></body></html>"""


def _cp1256(s):
    """Windows-1256 bytes of ``s`` with the Persian yeh and digits replaced by what the code page has."""
    return s.replace("ی", "ي").translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")).encode("cp1256")


def _docs(paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


@pytest.mark.parametrize("codec,name", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
                                        ("utf-16-be", None)])
def test_decode_unicode(codec, name):
    data = TEXT.encode(codec)
    if name is None:  # UTF-16 without a BOM: NUL bytes, taken for binary
        with pytest.raises(Exception) as exc:
            decode(data, doc_id="d")
        assert exc.value.code == "E004"
        return
    assert decode(data) == (TEXT, name)


def test_decode_windows_1256():
    text, enc = decode(TEXT_1256.encode("cp1256"))
    assert (text, enc) == (TEXT_1256, "windows-1256")


@pytest.mark.parametrize("data", [b"\x00\x01\x02" * 100, bytes(range(256)) * 8, b"\xff\xfe\x00"])
def test_binary_and_undecodable_are_e004(data):
    with pytest.raises(Exception) as exc:
        decode(data, doc_id="bin")
    assert exc.value.code == "E004" and "bin" in exc.value.message


def test_directory_is_recursive_with_relative_ids_and_encodings(tmp_path):
    (tmp_path / "2020" / "jan").mkdir(parents=True)
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "2020" / "b.txt").write_bytes(TEXT_1256.encode("cp1256"))
    (tmp_path / "2020" / "jan" / "c.txt").write_text(TEXT, encoding="utf-16")
    (tmp_path / "2020" / "jan" / "page.html").write_text(PAGE.format(charset="utf-8", title="عنوان", text=TEXT),
                                                        encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    docs = _docs([tmp_path])
    assert [d.id for d in docs] == ["2020/b", "2020/jan/c", "2020/jan/page", "a"]
    assert [d.encoding for d in docs] == ["windows-1256", "utf-16", "utf-8", "utf-8"]
    assert all(d.error is None for d in docs)
    assert docs[0].text == TEXT_1256 and docs[1].text == TEXT


def test_files_sharing_a_stem_keep_their_suffix_in_the_id(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "a.html", "b.txt", "sub/a.txt"):
        (tmp_path / name).write_text(PAGE.format(charset="utf-8", title="t", text=TEXT) if name.endswith("html")
                                     else TEXT, encoding="utf-8")
    ids = [d.id for d in _docs([tmp_path])]
    assert ids == ["a.html", "a.txt", "b", "sub/a"]
    assert len(set(ids)) == len(ids)


@pytest.mark.integration
def test_resume_over_files_sharing_a_stem_loses_nothing(tmp_path, nlp):
    from welfare_nlp.batch.runner import run

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "a.html").write_text(PAGE.format(charset="utf-8", title="t", text=TEXT), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run([str(src)], str(out), nlp=nlp, progress=False, limit=1)
    summary = run([str(src)], str(out), nlp=nlp, progress=False, resume=True)
    assert summary.documents == 1 and summary.skipped == 1
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_unprepared_documents_carry_bytes(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    [doc] = _docs([tmp_path / "a.txt"], prepare=False)
    assert doc.text is None and doc.raw == TEXT.encode()
    assert prepare(doc).text == TEXT and prepare(doc).raw is None


def test_html_main_text_title_date_and_zwnj(tmp_path):
    f = tmp_path / "news.html"
    f.write_bytes(_cp1256(PAGE.format(charset="windows-1256", title="كمك به مددجويان", text=TEXT_1256)))
    [doc] = _docs([f])
    assert doc.error is None and doc.encoding == "windows-1256"
    assert doc.title == "كمك به مددجويان" and doc.published == "2020-01-07"
    assert TEXT_1256 in doc.text and "صفحه اصلی" not in doc.text and "حقوق محفوظ" not in doc.text
    text, _, _ = html_main_text(PAGE.format(charset="utf-8", title="x", text=TEXT))
    assert "برنامه‌های" in text and "می‌یابد" in text  # the zero-width non-joiner survives trafilatura


def test_html_without_main_text_is_e011(tmp_path):
    f = tmp_path / "empty.html"
    f.write_text("<html><head><title>t</title></head><body><script>var x = 1;</script></body></html>")
    [doc] = _docs([f])
    assert doc.error.code == "E011" and "empty" in doc.error.message


def test_oversize_file_is_e003_without_reading(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text(TEXT * 100, encoding="utf-8")
    [doc] = _docs([f], max_bytes=1000)
    assert doc.error.code == "E003" and doc.raw is None and "big" in doc.error.message


def test_jsonl_configurable_and_nested_fields(tmp_path):
    f = tmp_path / "in.jsonl.gz"
    with gzip.open(f, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"uid": 7, "body": TEXT, "meta": {"date": "2020-02-03"}}, ensure_ascii=False) + "\n")
        fh.write(json.dumps({"uid": 8, "text": TEXT}, ensure_ascii=False) + "\n")
    docs = _docs([f], fields=Fields(id="uid", text="body", date="meta.date"))
    assert (docs[0].id, docs[0].text, docs[0].published) == ("7", TEXT, "2020-02-03")
    assert docs[1].id == "8" and docs[1].error.code == "E005" and "'body'" in docs[1].error.message


def test_truncated_gzip_archive_gives_an_error_line_not_a_crash(tmp_path):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        for i in range(200):
            gz.write((json.dumps({"id": f"d{i}", "text": TEXT * 5}, ensure_ascii=False) + "\n").encode())
    f = tmp_path / "cut.jsonl.gz"
    f.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    docs = _docs([f])
    assert docs[-1].error.code == "E013" and all(d.error is None for d in docs[:-1]) and len(docs) > 2


def test_csv_with_detected_encoding_and_bad_rows(tmp_path):
    f = tmp_path / "table.csv"
    rows = f'شناسه,متن,تاریخ\nr1,"{TEXT}",2020-01-05\nr2,"{TEXT}\nسطر دوم",\nr3\n'
    f.write_bytes(_cp1256(rows))
    docs = _docs([f], fields=Fields(id="شناسه", text="متن", date="تاريخ"))
    assert [d.id for d in docs] == ["r1", "r2", "r3"]
    assert docs[0].published == "2020-01-05" and docs[0].encoding == "windows-1256" and docs[1].published is None
    assert docs[1].text.endswith("\nسطر دوم")
    assert docs[2].error.code == "E012"
    g = tmp_path / "other.csv"
    g.write_text("id,body\nx,y\n", encoding="utf-8")
    [doc] = _docs([g])
    assert doc.error.code == "E012" and "'text'" in doc.error.message


def _warc(path, records):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=str(path).endswith(".gz"))
        for uri, status, ctype, body in records:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http))
        w.write_record(w.create_warc_record("http://x/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))


def test_warc_html_responses(tmp_path):
    page = PAGE.format(charset="utf-8", title="عنوان خبر", text=TEXT).encode()
    f = tmp_path / "crawl.warc.gz"
    _warc(f, [("http://news.example/1", "200 OK", "text/html; charset=utf-8", page),
              ("http://news.example/logo.png", "200 OK", "image/png", b"\x89PNG\r\n"),
              ("http://news.example/gone", "404 Not Found", "text/html", b"<html>missing</html>"),
              ("http://news.example/2", "200 OK", "text/html; charset=windows-1256",
               _cp1256(PAGE.format(charset="windows-1256", title="خبر", text=TEXT_1256))),
              ("http://news.example/1", "200 OK", "text/html", page)])
    docs = _docs([tmp_path])  # found in the directory
    assert [d.id for d in docs] == ["http://news.example/1", "http://news.example/2", "http://news.example/1#2"]
    assert [d.encoding for d in docs] == ["utf-8", "windows-1256", "utf-8"]
    assert docs[0].title == "عنوان خبر" and TEXT in docs[0].text and docs[0].published == "2020-01-07"
    assert TEXT_1256 in docs[1].text


def test_missing_path_is_e007(tmp_path):
    [doc] = _docs([tmp_path / "nope.warc"])
    assert doc.error.code == "E007"


# ---------------------------------------------------------------- optional dependencies (issue 18)
@pytest.mark.integration
def test_html_without_the_batch_extra_names_the_extra_not_an_internal_error(tmp_path, monkeypatch, capsys):
    import sys

    from welfare_nlp.cli import main

    monkeypatch.setitem(sys.modules, "trafilatura", None)   # as if the batch extra were not installed
    page = tmp_path / "a.html"
    page.write_text("<html><body><article><p>استان کرمان</p></article></body></html>", encoding="utf-8")
    from welfare_nlp.batch.readers import InputDoc

    doc = prepare(InputDoc("a", None, raw=page.read_bytes(), kind="html"))
    assert doc.error.code == "E018" and 'welfare_nlp[batch]' in doc.error.message
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(page), "-o", str(out), "-q"]) == 1
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["error"]["code"] == "E018" and "please report" not in row["error"]["message"]
    assert "trafilatura" in row["error"]["message"] and "pip install" in row["error"]["message"]


def test_parquet_and_warc_without_the_batch_extra_stop_with_the_extra_named(tmp_path, monkeypatch, capsys):
    import sys

    from welfare_nlp.cli import main

    monkeypatch.setitem(sys.modules, "pyarrow", None)
    src = tmp_path / "a.txt"
    src.write_text("استان کرمان", encoding="utf-8")
    assert main(["extract", str(src), "--format", "parquet", "-o", str(tmp_path / "t"), "-q"]) == 2
    assert "[E018]" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "warcio", None)
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    (tmp_path / "a.warc").write_bytes(b"")
    assert main(["extract", str(tmp_path / "a.warc"), "-o", str(tmp_path / "o.jsonl"), "-q"]) == 2
    assert "welfare_nlp[batch]" in capsys.readouterr().err


def test_the_research_extra_opens_the_notebook_and_the_readmes_say_how():
    import tomllib

    from conftest import ROOT

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    names = {r.split(">")[0].split("=")[0].split("[")[0].strip().lower() for r in extras["research"]}
    assert names & {"notebook", "jupyterlab"} and "ipykernel" in names
    nb_readme = (ROOT / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert "jupyter notebook notebooks/explore.ipynb" in nb_readme and "nbconvert --to notebook --execute" in nb_readme
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    # every extra a documented input or output needs is named where the README documents it
    assert "jupyter notebook notebooks/explore.ipynb" in readme
    use = readme.split("## Use", 1)[1].split("Library:", 1)[0]
    assert 'welfare_nlp[batch]' in use or '".[batch]"' in use


# ---------------------------------------------------------------- what offsets index (issue 18)
@pytest.mark.integration
def test_offsets_of_a_windows_text_file_index_read_text(tmp_path):
    import welfare_nlp
    from welfare_nlp.cli import main

    f = tmp_path / "crlf.txt"
    f.write_bytes("خبر بهزیستی\r\nدر استان کرمان ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر پرداخت شد.\r\n".encode("utf-8"))
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(f), "-o", str(out), "-q"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    text = welfare_nlp.read_text(f)
    assert "\r\n" in text and rec["text"] is None
    items = rec["amounts"] + rec["head_counts"] + rec["provinces"]
    assert items and all(text[it["start"]:it["end"]] == it["text"] for it in items)
    translated = f.read_text(encoding="utf-8")   # newlines translated: shifted after each \r\n
    assert any(translated[it["start"]:it["end"]] != it["text"] for it in items)


@pytest.mark.integration
def test_a_record_of_an_html_page_carries_the_text_its_offsets_index(tmp_path):
    import welfare_nlp
    from welfare_nlp.cli import main

    page = tmp_path / "p.html"
    page.write_text("<html><head><title>خبر</title></head><body><nav>خانه | اخبار</nav><article><h1>خبر بهزیستی</h1>"
                    "<p>مدیر کل بهزیستی استان کرمان گفت: ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر از مددجویان پرداخت شد و این "
                    "طرح در سال آینده نیز ادامه خواهد داشت تا خانواده‌های بیشتری از آن بهره‌مند شوند.</p>"
                    "</article></body></html>", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["extract", str(page), "-o", str(out), "-q"]) == 0
    rec = json.loads(out.read_text(encoding="utf-8"))
    text = rec["text"]
    items = rec["amounts"] + rec["head_counts"] + rec["provinces"]
    assert text and items and all(text[it["start"]:it["end"]] == it["text"] for it in items)
    assert welfare_nlp.read_text(page) == text
