"""Subject codes, their Chinese names, and the aliases accepted on input."""

SUBJECTS: tuple[str, ...] = (
    "chinese",
    "math",
    "english",
    "physics",
    "chemistry",
    "biology",
    "history",
    "geography",
    "politics",
    "music",
    "pe",
    "art",
    "it",
    "science",
    "psychology",
)
SUBJECT_NAMES_ZH: dict[str, str] = {
    "chinese": "语文",
    "math": "数学",
    "english": "英语",
    "physics": "物理",
    "chemistry": "化学",
    "biology": "生物",
    "history": "历史",
    "geography": "地理",
    "politics": "道德与法治",
    "music": "音乐",
    "pe": "体育",
    "art": "美术",
    "it": "信息技术",
    "science": "科学",
    "psychology": "心理健康",
}
SUBJECT_ALIASES: dict[str, str] = {
    **{zh: code for code, zh in SUBJECT_NAMES_ZH.items()},
    "政治": "politics",
    "思想品德": "politics",
    "思想政治": "politics",
    "信息科技": "it",
    "心理": "psychology",
    "体育与健康": "pe",
    "艺术": "art",
}


def subject_code(raw: str) -> str | None:
    """The subject code for an English code or a Chinese name; None when unknown."""
    text = raw.strip()
    if text.lower() in SUBJECTS:
        return text.lower()
    return SUBJECT_ALIASES.get(text)
