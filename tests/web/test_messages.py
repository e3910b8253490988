"""The page's Chinese sentences are written as a Chinese reader expects: full-width commas, colons,
semicolons, question marks and parentheses next to Chinese text (issue 15, item 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

MESSAGES = Path(__file__).resolve().parents[2] / "api" / "web" / "messages.json"
CHINESE = "\u4e00-\u9fff"
HALF_WIDTH_BESIDE_CHINESE = re.compile(rf"[{CHINESE}] ?[,:;?!()]|[,:;?!()] ?[{CHINESE}]|\}}[,:;]\{{")


def test_chinese_sentences_use_full_width_punctuation() -> None:
    messages = json.loads(MESSAGES.read_text(encoding="utf-8"))
    half_width = {
        key: entry["zh"] for key, entry in messages.items() if HALF_WIDTH_BESIDE_CHINESE.search(entry["zh"])
    }
    assert not half_width
