"""Libraries of any size, as cryqueue JSON exports: realistic titles (Hangul included), a third
watched, tear levels and notes on some."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

WORDS = [
    "Moment",
    "Remember",
    "Letter",
    "Father",
    "Beauty",
    "Inside",
    "Classic",
    "Werewolf",
    "Boy",
    "Sea",
    "Sassy",
    "Girl",
    "Always",
    "Miracle",
    "Cell",
    "Wind",
    "Spring",
    "Autumn",
    "Heart",
    "Love",
    "Star",
    "Lake",
    "House",
    "Rain",
    "Snow",
    "Memory",
    "Farewell",
    "Promise",
    "Tears",
    "Last",
    "Summer",
    "Window",
    "Bridge",
    "River",
    "Winter",
    "Sonata",
    "Christmas",
    "August",
    "Light",
]
HANGUL = [
    "눈물",
    "사랑",
    "기억",
    "편지",
    "아버지",
    "바다",
    "겨울",
    "여름",
    "약속",
    "이별",
    "하늘",
    "별",
    "비",
    "바람",
    "마음",
    "소년",
    "소녀",
]
NAMES = [
    "Son Ye-jin",
    "Jung Woo-sung",
    "Jun Ji-hyun",
    "Cha Tae-hyun",
    "Gong Yoo",
    "Kim Tae-hee",
    "Song Joong-ki",
]


def film(n: int, rng: random.Random) -> dict[str, Any]:
    title = " ".join(rng.sample(WORDS, rng.randint(1, 4))) + f" {n}"
    watched = n % 3 == 0
    record: dict[str, Any] = {
        "rank": n + 1,
        "title": title,
        "original_title": " ".join(rng.sample(HANGUL, rng.randint(1, 3))) if n % 2 else None,
        "year": 1950 + n % 75,
        "kind": "series" if n % 10 == 0 else "film",
        "director": rng.choice(NAMES),
        "cast": rng.sample(NAMES, 2),
        "tear_level": n % 6 if watched else None,
        "note": f"Cried at the {rng.choice(WORDS).lower()} scene." if n % 7 == 0 else "",
        "viewing_dates": [(date(2010, 1, 1) + timedelta(days=n % 5000)).isoformat()]
        if watched
        else [],
        "tags": rng.sample(TAGS, rng.randint(1, 2)) if n % 5 == 0 else [],
        "rating": (n % 10 + 1) / 2 if watched else None,
    }
    return record


TAGS = ["sad", "rainy day", "눈물", "family", "first love", "rewatch"]


def first_title(seed: int = 17) -> str:
    """The title of the first film (the top of the list) of an export with that seed."""
    return str(film(0, random.Random(seed))["title"])


def write_export(path: Path, size: int, seed: int = 17) -> Path:
    """The export, written a film at a time (a million films' document would take gigabytes
    in memory); the same text as `json.dumps` of the whole document."""
    rng = random.Random(seed)
    head = json.dumps({"format": "cryqueue", "version": 1, "films": []})
    with path.open("w", encoding="utf-8") as out:
        out.write(head[: -len("]}")])
        for n in range(size):
            out.write((", " if n else "") + json.dumps(film(n, rng), ensure_ascii=False))
        out.write("]}")
    return path
