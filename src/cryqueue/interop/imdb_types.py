"""IMDb's title types in every spelling its exports have used: current English (`TV Series`),
older camel case (`tvSeries`), and the localised sites' (Italian `Serie TV`, German
`Fernsehserie`, French `Série TV`, Spanish `Serie de TV`, Portuguese `Série de TV`). They are
compared folded: without accents, case, spaces or punctuation, so `Mini-série TV`, `Mini serie
TV` and `miniSerieTv` are one. A type not listed here is not a reason to lose a row: the caller
imports it as a film and counts it."""

from __future__ import annotations

import functools
import re
import unicodedata

from cryqueue.domain.import_records import SkipGroup

FILM, SERIES = "film", "series"
TV_EPISODE = SkipGroup("TV episode", "TV episodes")
VIDEO_GAME = SkipGroup("video game", "video games")
MUSIC_VIDEO = SkipGroup("music video", "music videos")
PODCAST = SkipGroup("podcast", "podcasts")
Kind = str | SkipGroup  # FILM, SERIES, or the group a skipped row is counted in

_SPELLINGS: dict[Kind, tuple[str, ...]] = {
    FILM: (
        # English, current and older
        "Movie", "Feature Film", "Film", "TV Movie", "TV Film", "Short", "Short Film",
        "TV Short", "TV Special", "Video", "Video Movie", "Documentary",
        # Italian
        "Film TV", "Corto", "Cortometraggio", "Corto TV", "Speciale TV",
        # German
        "Kurzfilm", "Fernsehfilm", "TV-Film", "Fernsehkurzfilm", "TV-Kurzfilm",
        "Fernsehspecial", "TV-Special", "Videofilm",
        # French
        "Court-métrage", "Court métrage", "Téléfilm", "Court-métrage TV", "Spécial TV",
        "Émission spéciale", "Vidéo",
        # Spanish
        "Película", "Película de TV", "Telefilme", "Cortometraje", "Cortometraje de TV",
        "Especial de TV", "Vídeo",
        # Portuguese
        "Filme", "Filme para TV", "Filme de TV", "Curta-metragem", "Curta",
        "Curta-metragem para TV", "Curta para TV",
    ),
    SERIES: (
        "TV Series", "TV Mini Series", "TV Mini-Series", "Mini-Series", "Series",
        "Serie TV", "Mini serie TV", "Miniserie TV",  # Italian
        "Fernsehserie", "TV-Serie", "Serie", "Miniserie", "Mini-Fernsehserie",  # German
        "TV-Miniserie",
        "Série TV", "Série télévisée", "Mini-série TV", "Minisérie", "Série",  # French
        "Serie de TV", "Serie de televisión", "Miniserie de TV",  # Spanish
        "Série de TV", "Minissérie", "Minissérie de TV",  # Portuguese
    ),
    TV_EPISODE: (
        "TV Episode", "Episode",
        "Episodio TV", "Episodio",  # Italian
        "Folge", "TV-Folge", "TV-Episode", "Fernsehepisode",  # German
        "Épisode TV", "Épisode",  # French
        "Episodio de TV",  # Spanish
        "Episódio de TV", "Episódio",  # Portuguese
    ),
    VIDEO_GAME: (
        "Video Game", "Videogioco", "Videospiel", "Jeu vidéo", "Videojuego",
        "Jogo eletrônico", "Videogame", "Videojogo",
    ),
    MUSIC_VIDEO: (
        "Music Video", "Video musicale", "Musikvideo", "Clip vidéo", "Vidéoclip", "Clip",
        "Videoclip", "Video musical", "Videoclipe", "Vídeo musical",
    ),
    PODCAST: (
        "Podcast Series", "Podcast Episode", "Serie podcast", "Episodio podcast",
        "Podcast-Serie", "Podcast-Folge", "Podcast-Episode", "Série de podcasts",
        "Série podcast", "Épisode de podcast", "Serie de pódcast", "Serie de podcast",
        "Episodio de pódcast", "Episodio de podcast", "Série de podcast",
        "Episódio de podcast",
    ),
}  # fmt: skip


def type_key(value: str) -> str:
    """'Mini-série TV' -> 'miniserietv': how title types compare."""
    plain = unicodedata.normalize("NFKD", value.casefold()).encode("ascii", "ignore")
    return re.sub(r"[^0-9a-z]", "", plain.decode("ascii"))


KINDS: dict[str, Kind] = {
    type_key(name): kind for kind, names in _SPELLINGS.items() for name in names
}


@functools.lru_cache(maxsize=1024)
def kind_of(value: str) -> Kind | None:
    """What an IMDb title type is: FILM, SERIES, a group of skipped rows, or None when the
    type is not known (an empty type is a film: older lists have no type column). A file
    repeats a handful of types, so each spelling is folded once."""
    return KINDS.get(type_key(value)) if value else FILM
