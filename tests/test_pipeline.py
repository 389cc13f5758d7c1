import subprocess
import sys


def test_import_is_light():
    code = ("import sys, welfare_nlp; heavy = [m for m in ('spacy', 'pydantic', 'jdatetime', 'torch', 'hazm', 'dask', "
            "'pandas', 'matplotlib', 'sklearn', 'numpy') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_load_gives_a_spacy_pipeline(nlp):
    assert nlp.lang == "fa"
    from welfare_nlp import ner

    first = ["welfare_boilerplate", "welfare_ner", "welfare_provinces"] if ner.available() else \
        ["welfare_boilerplate", "welfare_provinces"]
    assert nlp.pipe_names[:len(first)] == first
    assert "welfare_officials" in nlp.pipe_names and nlp.pipe_names[-1] == "welfare_entities"


def test_doc_carries_items_entities_and_record(nlp):
    raw = "عباس صادق زاده مدير كل بهزيستي استان كرمان گفت: ۲۵۰۰نفر تسهیلات گرفتند."
    doc = nlp(raw)
    assert doc.text != raw  # the Doc holds the normalised text ...
    assert doc._.wnlp.nt.raw == raw  # ... and the way back
    assert [s.text for s in doc.spans["head_counts"]] == ["2500 نفر"]
    labels = {(e.label_, e.text) for e in doc.ents}
    assert labels == {("PER", "عباس صادق زاده"), ("ORG", "بهزیستی استان کرمان")}  # outermost only
    rec = doc._.record
    nested = {(e.label, e.text) for e in rec.entities}
    assert ("LOC", "كرمان") in nested and ("ORG", "بهزيستي استان كرمان") in nested  # raw text, nested kept
    assert rec.officials[0].text == "عباس صادق زاده"
    assert raw[rec.head_counts[0].start:rec.head_counts[0].end] == "۲۵۰۰نفر"


def test_pipe_over_many_texts(nlp):
    docs = list(nlp.pipe(["استان کرمان", "۵۰ درصد", "استان یزد"]))
    assert [len(d._.record.provinces) for d in docs] == [1, 0, 1]


def test_stage_subset():
    import welfare_nlp

    nlp = welfare_nlp.load(stages=["boilerplate", "amounts"])
    rec = nlp("۳۶۰ میلیارد تومان در استان کرمان")._.record
    assert len(rec.amounts) == 1 and rec.provinces == []


def test_public_names_survive_submodule_imports():
    import welfare_nlp
    import welfare_nlp.normalize  # noqa: F401  (the submodule owns the name)
    import welfare_nlp.rendering  # noqa: F401

    assert callable(welfare_nlp.extract) and callable(welfare_nlp.render) and callable(welfare_nlp.load)
    assert welfare_nlp.normalize.normalize("كرمان").text == "کرمان"
