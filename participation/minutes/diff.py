"""A readable comparison of two revisions: changed lines, and inside them the changed words."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

CONTEXT = 2
_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass
class Line:
    kind: str  # "same", "removed", "added", "changed"
    text: str = ""
    # For "changed": (kind, text) pieces where kind is "same", "removed" or "added".
    pieces: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Block:
    """A run of lines to show, after ``skipped`` unchanged lines left out."""

    skipped: int
    lines: list[Line]


def _words(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(("added", "".join(b[j1:j2])))
    return pieces


def _lines(old: list[str], new: list[str]) -> list[Line]:
    lines: list[Line] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            lines.extend(Line("same", text) for text in old[i1:i2])
        elif op == "delete":
            lines.extend(Line("removed", text) for text in old[i1:i2])
        elif op == "insert":
            lines.extend(Line("added", text) for text in new[j1:j2])
        else:
            removed, added = old[i1:i2], new[j1:j2]
            paired = min(len(removed), len(added))
            for before, after in zip(removed[:paired], added[:paired], strict=True):
                ratio = difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()
                if ratio >= 0.4:
                    lines.append(Line("changed", pieces=_words(before, after)))
                else:
                    lines.extend([Line("removed", before), Line("added", after)])
            lines.extend(Line("removed", text) for text in removed[paired:])
            lines.extend(Line("added", text) for text in added[paired:])
    return lines


def compare(old: list[str], new: list[str], context: int = CONTEXT) -> list[Block]:
    """The changes from ``old`` to ``new`` with ``context`` unchanged lines around each; [] when identical."""
    lines = _lines(old, new)
    changed = [index for index, line in enumerate(lines) if line.kind != "same"]
    if not changed:
        return []
    shown = set()
    for index in changed:
        shown.update(range(max(0, index - context), min(len(lines), index + context + 1)))
    blocks: list[Block] = []
    skipped, current = 0, None
    for index, line in enumerate(lines):
        if index in shown:
            if current is None:
                current = Block(skipped, [])
                blocks.append(current)
                skipped = 0
            current.lines.append(line)
        else:
            skipped += 1
            current = None
    if skipped and blocks:
        blocks.append(Block(skipped, []))
    return blocks
