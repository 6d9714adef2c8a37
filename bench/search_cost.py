"""The cost of one keystroke's search over a big library, without the app around it: the
filter the app's `/` runs on every key, for each kind of query the issue names, typed one
character at a time as a user would; and, for reference, the ranked search that
`cryqueue search` runs once for a whole query."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from cryqueue.domain.listing import select
from cryqueue.library import Library

QUERIES = {
    "Latin (love)": "love",
    "initial consonants (ㄴㄷㅅㄴ)": "ㄴㄷㅅㄴ",
    "mixed Hangul (늑ㄷ)": "늑ㄷ",
    "typo (windstrck)": "windstrck",
    "tag (#sad)": "#sad",
}
RANKED = "love"


def search_costs(db: Path, rounds: int) -> dict[str, list[float]]:
    """ms per keystroke for each query kind, and ms for one ranked search."""
    library = Library.open(db)
    try:
        listing = library.listing()
        out: dict[str, list[float]] = {}
        for name, query in QUERIES.items():
            samples = []
            for _ in range(rounds):
                listing._search = None  # a fresh index each round: no answers cached
                listing.prepare()  # what the app builds when the filter opens, before any key
                for end in range(1, len(query) + 1):
                    start = time.process_time()
                    select(listing, "all", "rank", query[:end])
                    samples.append((time.process_time() - start) * 1000)
            out[f"filter keystroke, {name}"] = samples
        ranked = []
        for _ in range(rounds):
            listing._search = None
            listing.prepare()
            start = time.process_time()
            listing.search_index().matches(RANKED)
            ranked.append((time.process_time() - start) * 1000)
        out[f"ranked search '{RANKED}' (cryqueue search)"] = ranked
        return out
    finally:
        library.close()


if __name__ == "__main__":
    import sys

    for name, samples in search_costs(Path(sys.argv[1]), 3).items():
        print(f"{name}: median {statistics.median(samples):.1f} ms, max {max(samples):.1f} ms")
