"""Plots whose Persian reads right: the font has the letters, letters join, text runs right to left."""
import json

import numpy as np
import pytest

from conftest import ROOT, SHARED

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from welfare_nlp.research import plots  # noqa: E402
from welfare_nlp.research.frames import to_frames  # noqa: E402

LETTERS = "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیئ" + "۰۱۲۳۴۵۶۷۸۹" + "\u200c"


def _ink(text: str, size: float = 40) -> np.ndarray:
    """A boolean image of ``text`` drawn with the plots' font."""
    fig = Figure(figsize=(6, 1.5), dpi=100)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, plots.persian(text), fontproperties=plots.font(size), ha="center", va="center")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[:, :, 0] < 128


def _width(text: str) -> int:
    cols = np.where(_ink(text).any(axis=0))[0]
    return int(cols[-1] - cols[0] + 1)


def test_the_bundled_font_has_every_persian_letter():
    from matplotlib.ft2font import FT2Font

    assert plots.font_path() == str(plots.FONT) and plots.FONT.exists()
    assert (plots.FONT.parent / "OFL.txt").exists()
    face = FT2Font(plots.font_path())
    assert [c for c in LETTERS if face.get_char_index(ord(c)) == 0] == []


def test_letters_join():
    # joined, the middle forms of beh are narrow teeth; drawn one by one each is a wide bowl
    assert _width("ببببب") < 0.6 * 5 * _width("ب")


def test_text_runs_right_to_left():
    # alef (a tall stroke) comes first, so it must stand at the right of beh (a low bowl)
    ink = _ink("ا   ب")
    rows = np.where(ink.any(axis=1))[0]
    tall = ink[: rows[0] + (rows[-1] - rows[0]) // 4].any(axis=0)  # ink in the top quarter: the alef only
    cols = np.where(ink.any(axis=0))[0]
    assert np.where(tall)[0].mean() > (cols[0] + cols[-1]) / 2


def test_shaping_falls_back_to_reshaper_and_bidi(monkeypatch):
    pytest.importorskip("arabic_reshaper")
    pytest.importorskip("bidi")
    monkeypatch.setattr(plots, "native_layout", lambda: False)
    assert plots.persian("اب") == "\ufe8f\ufe8d"            # presentation forms, in visual order
    assert plots.persian("بب") == "\ufe90\ufe91"            # initial + final: joined
    monkeypatch.setattr(plots, "native_layout", lambda: True)
    assert plots.persian("اب") == "اب"                       # matplotlib shapes and orders it itself


def _bars(fig):
    return [p.get_width() for p in fig.axes[0].patches]


def test_amounts_by_province_sums_toman_per_province():
    recs = [
        {"id": "a", "provinces": [{"name": "کرمان", "code": "IR-08", "start": 0, "end": 5, "text": "کرمان",
                                   "source": "gazetteer:provinces", "score": 1}],
         "amounts": [{"value": 360e9, "currency": "IRT", "start": 6, "end": 9, "text": "x", "source": "rule:a",
                      "score": 1},
                     {"value": 100e9, "currency": "IRR", "start": 10, "end": 12, "text": "y", "source": "rule:a",
                      "score": 1}]},
        {"id": "b", "provinces": [{"name": "یزد", "code": "IR-21", "start": 0, "end": 3, "text": "یزد",
                                   "source": "gazetteer:provinces", "score": 1}],
         "amounts": [{"value": 5e9, "currency": "IRT", "start": 4, "end": 6, "text": "z", "source": "rule:a",
                      "score": 1}]},
        {"id": "c", "amounts": [{"value": 7e9, "currency": "IRT", "start": 0, "end": 2, "text": "w",
                                 "source": "rule:a", "score": 1}]},           # no province: left out
    ]
    for r in recs:
        for k in ("officials", "provinces", "cities", "amounts", "head_counts", "percentages", "dates", "events",
                  "quotes", "entities"):
            r.setdefault(k, [])
    fig = plots.amounts_by_province(to_frames(recs))
    assert _bars(fig) == [370.0, 5.0]
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [plots.persian("کرمان"), plots.persian("یزد")]


def test_empty_records_still_plot(tmp_path):
    paths = plots.save_all(to_frames([]), tmp_path)
    assert all(p.stat().st_size > 1000 for p in paths.values())


@pytest.mark.integration
def test_the_plots_saved_as_png(tmp_path, extract):
    records = [extract(p.read_text(encoding="utf-8"), id=p.stem, published="2023-12-20")
               for p in sorted((ROOT / "corpus").glob("*.txt"))]
    dev = SHARED / "dev" / "dev.jsonl"
    if dev.exists():
        for line in dev.read_text(encoding="utf-8").splitlines()[:10]:
            d = json.loads(line)
            records.append(extract(d["text"], id=d["id"], published=d.get("published")))
    frames = to_frames(records)
    paths = plots.save_all(frames, tmp_path)
    assert set(paths) == {"amounts_by_province", "money_by_purpose", "head_counts_by_group", "events_by_month"}
    for name, p in paths.items():
        data = p.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000, name
    assert len(_bars(plots.amounts_by_province(frames))) == frames.amounts.dropna(subset=["province"])[
        "province"].nunique()
    month_fig = plots.events_by_month(frames)
    ticks = sorted((t.get_position()[0], t.get_text()) for t in month_fig.axes[0].get_xticklabels())
    assert [text for _, text in ticks][::-1] == [plots.persian(m) for m in plots.MONTHS]  # فروردین at the right


# ---------------------------------------------------------------- issue 18
def _record(doc_id, **items):
    r = {"id": doc_id, **items}
    for k in ("officials", "provinces", "cities", "amounts", "head_counts", "percentages", "dates", "events",
              "quotes", "entities"):
        r.setdefault(k, [])
    return r


def _it(text="x", start=0):
    return {"start": start, "end": start + 1, "text": text, "source": "rule:t", "score": 1}


def test_a_figure_restated_in_its_document_counts_once_in_the_plots():
    kerman = [{"name": "کرمان", "code": "IR-08", **_it()}]
    amount = {"value": 360e9, "currency": "IRT"}
    rec = _record("a", provinces=kerman, amounts=[{**amount, **_it(start=1)}, {**amount, **_it(start=9)}],
                  head_counts=[{"value": 14500, "noun": "خانوار", "unit": "household", **_it(start=3)},
                               {"value": 14500, "noun": "خانوار", "unit": "household", **_it(start=12)}])
    assert _bars(plots.amounts_by_province(to_frames([rec]))) == [360.0]
    fig = plots.head_counts_by_group(to_frames([rec]))
    assert [p.get_width() for ax in fig.axes for p in ax.patches] == [14500.0]


def test_people_and_households_have_axes_of_their_own():
    rec = _record("a", head_counts=[{"value": 40, "noun": "خانوار مددجو", "unit": "household", **_it()},
                                    {"value": 12, "noun": "کارجو", "unit": "person", **_it(start=5)}])
    fig = plots.head_counts_by_group(to_frames([rec]))
    assert len(fig.axes) == 2
    people, households = ([p.get_width() for p in ax.patches] for ax in fig.axes)
    assert people == [12.0] and households == [40.0]


def test_events_chart_has_whole_number_ticks_and_says_how_many_events_have_no_date():
    events = [{"type": "meeting", "trigger": "نشست", **_it()}, {"type": "visit", "trigger": "بازدید", **_it(start=4)}]
    dated = _record("a", published="2023-12-20", events=events[:1])
    undated = _record("b", events=events)
    fig = plots.events_by_month(to_frames([dated, undated]))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    ticks = fig.axes[0].get_yticks()
    assert len(ticks) > 1 and all(float(t).is_integer() for t in ticks)
    assert fig.undated == 2
    notes = [t.get_text() for t in fig.axes[0].texts]
    assert any("2" in t for t in notes)


@pytest.mark.integration
def test_money_by_purpose_splits_each_purpose_by_the_figures_own_province(extract):
    texts = ["مدیرکل بهزیستی استان یزد گفت: ۵۰ میلیارد تومان تسهیلات اشتغال پرداخت شد.",
             "مدیرکل بهزیستی استان کرمان گفت: ۳۰ میلیارد تومان تسهیلات اشتغال و ۲۰ میلیارد تومان وام مسکن "
             "پرداخت شد.",
             "وزیر کار گفت: در سراسر کشور ۱۰۰ میلیارد تومان تسهیلات پرداخت شد."]
    frames = to_frames([extract(t, id=f"m{k}") for k, t in enumerate(texts)])
    table = plots.money_by_purpose(frames).table
    assert table.loc["تسهیلات", "یزد"] == 50 and table.loc["تسهیلات", "کرمان"] == 30
    assert table.loc["تسهیلات", plots.NO_PROVINCE] == 100         # national money stands apart
    assert table.loc["وام", "کرمان"] == 20 and table.loc["وام"].sum() == 20
    assert list(table.index) == ["تسهیلات", "وام"]                # the largest purpose first
