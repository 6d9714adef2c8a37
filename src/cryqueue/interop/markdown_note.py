"""A note's own Markdown, made ready to go inside an item of the Markdown export.

The note renders as it would alone in a CommonMark renderer with raw HTML turned off, even in
one with HTML on: `<b>x</b>` shows as those characters, `*x*` in italics. Its lines are to be
indented under the item (tabs are expanded first, so indenting keeps each block what it was),
so a heading, a list or an unclosed code fence in a note stays inside its film's item."""

from __future__ import annotations

import re
import string
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

CHECKED_MAX = 100_000  # characters of a note with HTML in it, rendered twice to check it

# What can start raw HTML, inline or as a block: a tag, a closing tag, a comment, a processing
# instruction, a declaration or CDATA. Without one, a note renders alike with HTML on or off.
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\s<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>"
)
# A link destination in angle brackets, `[text](<a b>)`: a link, not HTML, if it follows a
# link's text (the check in `note_lines` makes sure of that).
_POINTED = re.compile(r"<(?:[^<>\n\\]|\\.)*>")
_LINK_OPENING = re.compile(r"\]\([ \t]*\n?[ \t]*$")
_BACKTICKS = re.compile(r"`+")
# A line break in a code span before a `<`: on a line of its own the `<` could start an HTML
# block; a space is the same to the code span.
_BREAK_BEFORE_TAG = re.compile(r"\n(?=[ ]*<)")
_SPECIAL = re.compile(r"[\\`<]")
_PUNCTUATION = frozenset(string.punctuation)
_INLINE_BLOCKS = ("paragraph_open", "heading_open")  # the blocks whose text is parsed inline


def note_lines(note: str, escape_line: Callable[[str], str]) -> list[str]:
    """The note's lines, ready to indent under a list item; [] for a blank note. A note whose
    HTML cannot be told apart from the rest for sure (a check renders it both ways), or one
    with HTML and over CHECKED_MAX characters (the check would take seconds), is given as
    plain text instead: each line through `escape_line`, paragraphs kept."""
    lines = _normalised(note)
    text = "\n".join(lines)
    if not lines or not _TAG_START.search(text):
        return lines
    if len(text) > CHECKED_MAX:
        return _literal(lines, escape_line)
    plain = _parser(html=False)
    blocks = plain.parse(text)
    wanted = plain.renderer.render(blocks, plain.options, {})
    for pointed in (True, False):  # `](<b>)` may be a link's destination, or text after all
        safe = _escape_html(lines, blocks, pointed)
        if _parser(html=True).render(safe) == wanted:
            return safe.split("\n")
    return _literal(lines, escape_line)


def _normalised(note: str) -> list[str]:
    """The lines as a renderer reads them (any line ending), tabs expanded to their tab stops,
    without the blank lines around them."""
    lines = [line.expandtabs(4) for line in re.split(r"\r\n?|\n", note)]
    blank = [not line.strip(" ") for line in lines]
    if all(blank):
        return []
    first, last = blank.index(False), len(blank) - blank[::-1].index(False)
    return lines[first:last]


@cache
def _parser(html: bool) -> MarkdownIt:
    from markdown_it import MarkdownIt  # lazy: only a note that may hold HTML needs it

    return MarkdownIt("commonmark", {"html": html})


def _escape_html(lines: list[str], blocks: list[Token], pointed: bool) -> str:
    """The note with a backslash before each `<` that could start raw HTML, outside code: its
    paragraphs and headings (`blocks`, as a renderer without HTML finds them) are scanned left to right
    as CommonMark reads inline text, skipping code spans, autolinks, escapes and (`pointed`)
    what looks like a link destination in angle brackets."""
    lines = list(lines)
    for token in reversed(blocks):  # from the end: lines may join
        if token.type in _INLINE_BLOCKS and token.map:
            start, end = token.map
            text = "\n".join(lines[start:end])
            lines[start:end] = _escape_inline(text, pointed, token.level == 0).split("\n")
    return "\n".join(lines)


def _escape_inline(text: str, pointed: bool, outermost: bool) -> str:
    """`text` with `<` escaped where it could start HTML; in a paragraph that is in no quote or
    list (`outermost`), a code span's line break before a `<` becomes a space."""
    runs: dict[int, list[int]] = defaultdict(list)  # a backtick run's length: where runs start
    for run in _BACKTICKS.finditer(text):
        runs[run.end() - run.start()].append(run.start())
    out: list[str] = []
    at = 0
    while (found := _SPECIAL.search(text, at)) is not None:
        i = found.start()
        out.append(text[at:i])
        char = text[i]
        if char == "\\":
            at = i + 2 if text[i + 1 : i + 2] in _PUNCTUATION else i + 1
            out.append(text[i:at])
        elif char == "`":
            length = 1
            while text[i + length : i + length + 1] == "`":
                length += 1
            closers = runs.get(length, [])
            closer = bisect_left(closers, i + length)
            at = closers[closer] + length if closer < len(closers) else i + length
            span = text[i:at]  # a code span whole, or backticks that open none
            out.append(_BREAK_BEFORE_TAG.sub(" ", span) if outermost else span)
        elif (link := _AUTOLINK.match(text, i)) or (
            pointed
            and _LINK_OPENING.search(text, max(0, i - 80), i)
            and (link := _POINTED.match(text, i))
        ):
            at = link.end()
            out.append(link.group())
        else:
            at = i + 1
            out.append("\\<" if _TAG_START.match(text, i) else "<")
    out.append(text[at:])
    return "".join(out)


def _literal(lines: list[str], escape_line: Callable[[str], str]) -> list[str]:
    """The note as plain text: each paragraph's lines joined by hard line breaks."""
    out: list[str] = []
    paragraph: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            paragraph.append(escape_line(line))
            continue
        if paragraph:
            out.extend(["", *(f"{row}\\" for row in paragraph[:-1]), paragraph[-1]])
            paragraph = []
    return out[1:]
