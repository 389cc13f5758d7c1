"""Event type: what kind of event the release reports, with its trigger, date, place and
participants.

Triggers (``کارگاه آموزشی`` workshop, ``نشست``/``جلسه``/``دیدار`` meeting, ``در گفتگو با``
interview, ``بازدید`` visit, ``تفاهم‌نامه`` agreement, ``منصوب`` appointment ...) come from
``lexicons/event_triggers.tsv`` with a weight. The headline and lead decide: the main event is
the best-weighted trigger in the first two sentences (the earliest on ties); later triggers
add a second event only when they are strong (weight 3) and repeated.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .context import DocContext, Found
from .normalize import LETTER

NAME = "events"


@lru_cache(maxsize=1)
def _trigger_re() -> tuple[re.Pattern, dict[str, tuple[str, int]]]:
    rows = lexicon.event_triggers()
    table = {r["trigger"]: (r["type"], int(r["weight"])) for r in rows}
    alt = "|".join(re.escape(t).replace("\\ ", "[ ‌]?") for t in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![{LETTER}])(?:{alt})(?![{LETTER}])"), table


def _lookup(word: str, table: dict) -> tuple[str, int] | None:
    if word in table:
        return table[word]
    key = re.sub(r"[ ‌]", "", word)
    for t, v in table.items():
        if re.sub(r"[ ‌]", "", t) == key:
            return v
    return None


def extract(ctx: DocContext) -> list[Found]:
    text = ctx.body
    pattern, table = _trigger_re()
    sents = ctx.sentences
    lead_end = sents[1][1] if len(sents) > 1 else len(text)
    hits = []
    for m in pattern.finditer(text):
        if text[max(0, m.start() - 3):m.start()] == "به " or text[max(0, m.start() - 5):m.start()].endswith("به‌"):
            continue  # «به گزارش ...», «به اعلام ...» attribute the news, they are not events
        hit = _lookup(m.group(), table)
        if hit:
            hits.append((m.start(), m.end(), hit[0], hit[1]))
    if not hits:
        return []
    lead = [h for h in hits if h[0] < lead_end or h[3] >= 3]
    pool = lead or hits
    best = max(pool, key=lambda h: (h[3], -h[0]))
    chosen = [best]
    counts: dict[str, int] = {}
    for h in hits:
        if h[3] >= 3:
            counts[h[2]] = counts.get(h[2], 0) + 1
    for h in hits:
        if h[2] != best[2] and h[3] >= 3 and counts[h[2]] >= 2 and all(c[2] != h[2] for c in chosen):
            chosen.append(h)
    out = []
    for s, e, etype, w in chosen:
        out.append(Found("event", s, e, {"type": etype, "trigger": text[s:e]},
                         source="rule:events.trigger", score=min(0.95, 0.5 + 0.15 * w)))
    return out
