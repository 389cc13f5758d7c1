"""Plots of records whose Persian reads right: letters joined, right to left, in a font that has them.

    >>> frames = welfare_nlp.to_frames(records)
    >>> fig = welfare_nlp.research.plots.amounts_by_province(frames)      # a matplotlib Figure
    >>> welfare_nlp.research.plots.save_all(frames, "figures/")           # the four plots as PNG

Matplotlib >= 3.11 lays out complex scripts itself (libraqm: shaping and bidi); older versions draw
letters one by one, left to right, so for them ``persian()`` shapes the text (arabic-reshaper) and
reorders it (python-bidi) first. The font is Vazirmatn (SIL Open Font License, bundled in
``welfare_nlp/research/fonts``), else a system font with Arabic-script glyphs (DejaVu Sans, Noto Sans Arabic).
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from welfare_nlp.errors import import_extra
from welfare_nlp.research.frames import Frames, to_frames

FONT = Path(__file__).resolve().parent / "fonts" / "Vazirmatn-Regular.ttf"
_SYSTEM_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf")
MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")
COLOR = "#2a7f9e"
EVENT_TYPES_FA = {"workshop": "کارگاه", "meeting": "نشست", "visit": "بازدید", "interview": "گفت‌وگو",
                  "funding": "تأمین اعتبار", "agreement": "تفاهم‌نامه", "appointment": "انتصاب", "ceremony": "مراسم",
                  "announcement": "اطلاعیه", "report": "گزارش", "incident": "حادثه"}


def native_layout() -> bool:
    """Whether this matplotlib shapes and orders right-to-left text itself (built with libraqm)."""
    import matplotlib.ft2font as ft  # the research extra (matplotlib: 0.6 s), only for plots

    return bool(getattr(ft, "__libraqm_version__", None))


def persian(text: str) -> str:
    """``text`` ready for matplotlib: unchanged where matplotlib lays it out itself, else shaped
    (presentation forms) and in visual (right-to-left) order."""
    if native_layout():
        return text
    return _visual(text)


def _visual(text: str) -> str:
    # the research extra, only for matplotlib < 3.11 (which does not shape Persian itself)
    import arabic_reshaper
    from bidi.algorithm import get_display

    return get_display(arabic_reshaper.reshape(text))


@lru_cache(maxsize=None)
def font_path() -> str:
    """The bundled Vazirmatn, else a system font with Persian glyphs."""
    for p in (str(FONT),) + _SYSTEM_FONTS:
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"no font with Persian glyphs: {FONT} is missing and none of {_SYSTEM_FONTS} exists")


def font(size: float = 11):
    from matplotlib import font_manager  # the research extra (matplotlib: 0.6 s), only for plots

    path = font_path()
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path, size=size)


def _frames(data: Any):
    return data if isinstance(data, Frames) else to_frames(data)


def _figure(rows: int):
    # matplotlib: the research extra, 0.6 s to import, only for plots; E018 names the extra when missing
    Figure = import_extra("matplotlib.figure", "research", "welfare_nlp.research.plots").Figure
    return Figure(figsize=(8, max(2.6, 0.45 * rows + 1.4)), dpi=100, layout="constrained")


def _num(v: float) -> str:
    if v >= 100:
        return f"{v:,.0f}"
    if v >= 1:
        return f"{v:,.1f}"
    return f"{v:.2g}"


def _barh(labels: list[str], values: list[float], title: str, xlabel: str, empty: str):
    """A horizontal bar chart that reads from the right: labels at the right, bars growing leftwards,
    largest at the top."""
    fig = _figure(len(labels))
    _barh_on(fig.subplots(), labels, values, title, xlabel, empty)
    return fig


def _barh_on(ax, labels: list[str], values: list[float], title: str, xlabel: str, empty: str):
    """``_barh`` on the axes ``ax``."""
    fp, small = font(12), font(10)
    ax.set_title(persian(title), fontproperties=font(13), loc="right")
    if not labels:
        ax.text(0.5, 0.5, persian(empty), fontproperties=fp, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    y = list(range(len(labels)))[::-1]
    ax.barh(y, values, color=COLOR)
    ax.set_yticks(y, [persian(lab) for lab in labels])
    for t in ax.get_yticklabels():
        t.set_fontproperties(fp)
    ax.yaxis.tick_right()
    ax.invert_xaxis()
    ax.set_xlabel(persian(xlabel), fontproperties=small)
    ax.spines[["left", "top"]].set_visible(False)
    top, low = max(values), min(v for v in values if v > 0) if any(v > 0 for v in values) else 1
    if top > 0 and top / low > 1000:  # several orders of magnitude: a log axis shows them all
        ax.set_xscale("log")
        ax.set_xlim(top * 8, low / 3)
        pos = [v * 1.15 for v in values]
    else:
        ax.ticklabel_format(axis="x", style="plain", useOffset=False)
        ax.set_xlim((top or 1) * 1.2, 0)
        pos = [v + (top or 1) * 0.01 for v in values]
    for t in ax.get_xticklabels():
        t.set_fontproperties(small)
    for yi, v, x in zip(y, values, pos):
        ax.text(x, yi, _num(v), va="center", ha="right", fontproperties=small)
    return ax


def _once(df):
    """The rows that are not repeats: each figure of a document once (see ``welfare_nlp.batch.tables.FIGURE_KEYS``)."""
    return df[~df["repeat"].astype(bool)] if "repeat" in df else df


def amounts_by_province(data: Any, *, top: int = 15):
    """Money (toman; rial / 10) per province, in billions: each amount goes to its own province, else to
    its document's main province (the first one named); a figure restated in its document counts once.
    ``data``: a ``Frames`` or records."""
    df = _once(_frames(data).amounts)
    df = df[df["province"].notna() & df["value_toman"].notna()]
    sums = (df.groupby("province")["value_toman"].sum() / 1e9).sort_values(ascending=False).head(top)
    return _barh(list(sums.index), [float(v) for v in sums.values], "مبالغ به تفکیک استان",
                 "میلیارد تومان", "مبلغی با استان یافت نشد")


NO_PROVINCE = "کشوری یا بی‌استان"


def money_by_purpose(data: Any, *, top: int = 10, provinces: int = 5):
    """Money (billion toman) per purpose (the welfare term its ``about`` names: تسهیلات, وام, یارانه
    ...), each bar split by the province the figure applies to (its own, not its document's; the
    others together, and national or unplaced money apart); a figure restated counts once."""
    df = _once(_frames(data).amounts)
    df = df[df["purpose"].notna() & df["value_toman"].notna()].copy()
    df["where"] = df["province"].where(df["province_from"] == "figure", NO_PROVINCE)
    table = df.pivot_table(index="purpose", columns="where", values="value_toman", aggfunc="sum", fill_value=0) / 1e9
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index[:top]]
    named = [c for c in table.sum().sort_values(ascending=False).index if c != NO_PROVINCE][:provinces]
    rest = [c for c in table.columns if c not in named and c != NO_PROVINCE]
    if rest:
        table["سایر استان‌ها"] = table[rest].sum(axis=1)
    cols = named + (["سایر استان‌ها"] if rest else []) + ([NO_PROVINCE] if NO_PROVINCE in table else [])
    fig = _figure(max(len(table), 1))
    ax = fig.subplots()
    small = font(10)
    ax.set_title(persian("مبالغ به تفکیک موضوع و استان"), fontproperties=font(13), loc="right")
    if table.empty:
        ax.text(0.5, 0.5, persian("مبلغی با موضوع یافت نشد"), fontproperties=font(11), ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    y = list(range(len(table)))[::-1]           # the largest purpose at the top
    left = [0.0] * len(table)
    from matplotlib import colormaps  # the research extra (matplotlib: 0.6 s), only for plots
    cmap = colormaps["tab10"]
    for i, col in enumerate(cols):
        vals = [float(v) for v in table[col]]
        ax.barh(y, vals, left=left, color="#bbbbbb" if col == NO_PROVINCE else cmap(i % 10), label=persian(col))
        left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(y, [persian(p) for p in table.index])
    for t in ax.get_yticklabels():
        t.set_fontproperties(small)
    ax.invert_xaxis()                           # bars grow from the right, as the text reads
    ax.yaxis.tick_right()
    ax.set_xlabel(persian("میلیارد تومان"), fontproperties=small)
    ax.spines[["left", "top"]].set_visible(False)
    handles, labs = ax.get_legend_handles_labels()
    fig.legend(handles[::-1], labs[::-1], loc="outside lower center", ncol=min(len(cols), 4), prop=small,
               frameon=False)
    fig.table = table[cols]
    return fig


# head counts: one panel per unit, each with its own axis (people and households are not added up)
UNITS = (("person", "شمار افراد به تفکیک گروه", "نفر", "شمار افرادی یافت نشد"),
         ("household", "شمار خانوارها به تفکیک گروه", "خانوار", "شمار خانواری یافت نشد"))


def head_counts_by_group(data: Any, *, top: int = 15):
    """People per beneficiary group (the counted noun: مددجو, زن سرپرست خانوار, ...) and, in a panel of
    their own, households; a figure restated in its document counts once."""
    df = _once(_frames(data).head_counts)
    sums = {unit: df[df["unit"] == unit].groupby("noun")["value"].sum().sort_values(ascending=False).head(top)
            for unit, *_ in UNITS}
    from matplotlib.figure import Figure  # the research extra (matplotlib: 0.6 s), only for plots

    heights = [max(1.2, 0.45 * len(sums[unit]) + 0.9) for unit, *_ in UNITS]
    fig = Figure(figsize=(8, sum(heights) + 0.6), dpi=100, layout="constrained")
    for ax, (unit, title, xlabel, empty) in zip(fig.subplots(2, 1, height_ratios=heights), UNITS):
        _barh_on(ax, list(sums[unit].index), [float(v) for v in sums[unit].values], title, xlabel, empty)
    return fig


def events_by_month(data: Any):
    """Events per Jalali month (the event's own date, else the publication date), by event type. Events
    with neither are counted apart: the chart says how many it leaves out (``fig.undated``)."""
    from matplotlib.ticker import MaxNLocator  # the research extra (matplotlib: 0.6 s), only for plots

    df = _frames(data).events
    undated = int(df["jalali_month"].isna().sum())
    df = df[df["jalali_month"].notna()]
    fig = _figure(8)
    ax = fig.subplots()
    fp, small = font(11), font(10)
    ax.set_title(persian("رویدادها به تفکیک ماه"), fontproperties=font(13), loc="right")
    # months run right to left: فروردین at the right
    x = list(range(12))[::-1]
    bottom = [0] * 12
    counts = df.groupby(["type", "jalali_month"]).size()
    types = sorted(df["type"].unique())
    from matplotlib import colormaps  # the research extra (matplotlib: 0.6 s), only for plots
    cmap = colormaps["tab10"]
    for i, typ in enumerate(types):
        vals = [int(counts.get((typ, m), 0)) for m in range(1, 13)]
        ax.bar(x, vals, bottom=bottom, color=cmap(i % 10), label=persian(EVENT_TYPES_FA.get(typ, typ)))
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(x, [persian(m) for m in MONTHS], rotation=0)
    for t in ax.get_xticklabels():
        t.set_fontproperties(small)
    ax.yaxis.tick_right()
    ax.set_ylabel(persian("شمار رویداد"), fontproperties=small)
    ax.yaxis.set_label_position("right")
    ax.spines[["left", "top"]].set_visible(False)
    ax.set_ylim(0, max(bottom + [1]) * 1.15)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))   # counts: whole numbers
    fig.undated = undated
    if undated:
        ax.text(0.0, 1.0, persian(f"{undated} رویداد بی‌تاریخ (بدون تاریخ خود و تاریخ انتشار) در نمودار نیست"),
                fontproperties=small, ha="left", va="bottom", transform=ax.transAxes, color="#555555")
    if types:
        handles, labs = ax.get_legend_handles_labels()
        # reversed, so that the first type stands at the right, as a right-to-left reader starts
        fig.legend(handles[::-1], labs[::-1], loc="outside lower center", ncol=min(len(types), 6), prop=small,
                   frameon=False)
    else:
        ax.text(0.5, 0.5, persian("رویدادی با ماه یافت نشد"), fontproperties=fp, ha="center", va="center",
                transform=ax.transAxes)
    return fig


PLOTS = {"amounts_by_province": amounts_by_province, "money_by_purpose": money_by_purpose,
         "head_counts_by_group": head_counts_by_group, "events_by_month": events_by_month}


def save_all(data: Any, out_dir: str | os.PathLike, *, dpi: int = 110) -> dict[str, Path]:
    """The plots of ``PLOTS`` as ``OUT/<name>.png``; returns name -> path."""
    frames = _frames(data)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, fn in PLOTS.items():
        p = out / f"{name}.png"
        fn(frames).savefig(p, dpi=dpi, bbox_inches="tight", pad_inches=0.15)
        paths[name] = p
    return paths
