import json

import jsonschema
import pytest

from welfare_nlp.record import ErrorInfo, ErrorRecord, Record, content_id, json_schema

TEXT = ("کارگاه آموزشی اشتغال 13 و 14 شهریور ماه در کرمان برگزار شد.\n"
        "عباس صادق زاده مدیر کل بهزیستی استان کرمان گفت: بیش از ۳۶۰ میلیارد تومان به ۲۵۰۰ نفر پرداخت شد و 60درصد آنها زنان بودند.")


def _validates(rec):
    data = json.loads(rec.to_json())
    jsonschema.validate(data, json_schema())
    return data


def test_record_validates_against_published_schema(rules):
    data = _validates(rules(TEXT, id="doc-1", published="2019-09-05"))
    assert data["id"] == "doc-1" and data["published"] == "2019-09-05"
    for field in ("officials", "provinces", "cities", "organizations", "amounts", "head_counts", "percentages",
                  "dates", "events", "quotes", "entities"):
        assert isinstance(data[field], list)


@pytest.mark.integration
def test_record_with_the_models_validates_against_published_schema(extract):
    data = _validates(extract(TEXT, id="doc-1", published="2019-09-05"))
    assert data["topic"] and any(e["source"].startswith("model:") for e in data["entities"])
    assert extract(TEXT, id="a").to_json() == extract(TEXT, id="a").to_json()   # deterministic with the models too


def test_error_record_shape():
    err = ErrorRecord(id="x", error=ErrorInfo(code="E001", message="empty"))
    assert json.loads(err.to_json())["error"] == {"code": "E001", "message": "empty"}


def test_stable_ids(rules):
    a = rules(TEXT)
    b = rules(TEXT)
    assert a.id == b.id == content_id(TEXT)
    assert rules(TEXT + " ").id != a.id


def test_records_are_deterministic(rules):
    assert rules(TEXT, id="a").to_json() == rules(TEXT, id="a").to_json()


def test_every_item_has_provenance(rules):
    rec = rules(TEXT).model_dump()
    for field in ("officials", "provinces", "amounts", "head_counts", "percentages", "dates", "events", "entities"):
        assert rec[field], field
        for item in rec[field]:
            assert item["source"].split(":")[0] in ("rule", "gazetteer", "model")
            assert 0 <= item["score"] <= 1


def test_schema_rejects_unknown_fields():
    with pytest.raises(Exception):
        Record(id="x", unexpected=1)


def test_bad_input_gets_coded_errors(rules_extract):
    from welfare_nlp.errors import EmptyDocument, NotText

    extract = rules_extract

    with pytest.raises(EmptyDocument) as e:
        extract("   \n", id="blank")
    assert e.value.code == "E001" and "blank" in str(e.value)
    with pytest.raises(NotText):
        extract(b"bytes", id="b")
    # an unreadable publication date no longer stops the document: published is null, with a warning
    rec = extract("متن", id="d", published="yesterday")
    assert rec.published is None and len(rec.warnings) == 1 and "'yesterday'" in rec.warnings[0]
