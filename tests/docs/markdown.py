"""Reading a Markdown page as its reader does: a section by its heading, its fenced blocks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
README: Final = REPO_ROOT / "README.md"
_FENCE: Final = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def section(path: Path, heading: str) -> str:
    """The text under ``heading`` (a whole line such as ``## Install``) up to the next
    heading of the same or a higher level; AssertionError if the heading is missing."""
    text = path.read_text()
    level = heading.split(" ", 1)[0]
    lines = text.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.rstrip("\n") == heading]
    assert starts, f"{path.name} has no heading {heading!r}"
    body: list[str] = []
    for line in lines[starts[0] + 1 :]:
        marker = line.split(" ", 1)[0]
        if set(marker) == {"#"} and len(marker) <= len(level):
            break
        body.append(line)
    return "".join(body)


def fenced_blocks(text: str, language: str) -> list[str]:
    """The contents of the fenced blocks of ``language``, in order."""
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def block_after(text: str, marker: str, language: str) -> str:
    """The first fenced block of ``language`` after the line ``marker``."""
    assert marker in text, f"no {marker!r}"
    return fenced_blocks(text.split(marker, 1)[1], language)[0]
