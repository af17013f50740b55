"""A comparison as one self-contained HTML file an engineer can mail: inline
CSS, no script, no external asset, every text from the posts escaped.

Sections a pattern fully explains are folded (``<details>``), so the ones
with other edits stand out; each section shows its two bodies side by side
with the changed lines and characters marked (``line_diff.side_by_side``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from html import escape
from pathlib import Path

from veripost_desktop.core.compare.line_diff import side_by_side
from veripost_desktop.core.compare.model import (
    ChangeKind,
    PackageComparison,
    SectionChange,
    Side,
)
from veripost_desktop.core.errors import ErrorCode, VeriPostError

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em;
       color: #1b1b1b; background: #fff; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d0d0; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code, .code td { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
.code { width: 100%; table-layout: fixed; margin-top: 0.4em; }
.code td { white-space: pre-wrap; word-break: break-all; border: none; padding: 0 6px; }
.code td.no { width: 3.5em; color: #888; text-align: right; }
tr.removed td.a, tr.changed td.a { background: #fde8e8; }
tr.added td.b, tr.changed td.b { background: #e6f6e6; }
span.del { background: #f5b5b5; } span.ins { background: #a8e0a8; }
.kind { font-weight: bold; } .muted { color: #666; }
details { margin: 0.6em 0; border: 1px solid #e0e0e0; padding: 0.3em 0.6em; }
summary { cursor: pointer; }
"""

_KIND_TEXT = {
    ChangeKind.CHANGED: "changed",
    ChangeKind.ADDED: "added",
    ChangeKind.REMOVED: "removed",
    ChangeKind.UNCOMMENTED: "uncommented",
    ChangeKind.COMMENTED_OUT: "commented out",
}


def _side(label: str, side: Side) -> str:
    where = side.path if side.path is not None else f"package {side.package_id}"
    return f"<tr><th>{label}</th><td>{escape(side.name)}</td><td>{escape(str(where))}</td></tr>"


def _marked(text: str, marks: Sequence[tuple[int, int]], css: str) -> str:
    out, at = [], 0
    for start, end in marks:
        out.append(escape(text[at:start]))
        out.append(f'<span class="{css}">{escape(text[start:end])}</span>')
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def _bodies(change: SectionChange) -> str:
    a, b = change.a_body, change.b_body
    rows = []
    for row in side_by_side(a, b):
        a_no = "" if row.a_index is None else str(change.a_numbers[row.a_index])
        b_no = "" if row.b_index is None else str(change.b_numbers[row.b_index])
        a_text = "" if row.a_index is None else _marked(a[row.a_index], row.a_marks, "del")
        b_text = "" if row.b_index is None else _marked(b[row.b_index], row.b_marks, "ins")
        rows.append(
            f'<tr class="{row.kind}"><td class="no">{a_no}</td><td class="a">{a_text}</td>'
            f'<td class="no">{b_no}</td><td class="b">{b_text}</td></tr>'
        )
    return '<table class="code">' + "".join(rows) + "</table>"


def _section(change: SectionChange, patterns: Sequence[str]) -> str:
    explained = ""
    if change.explained_by:
        names = "; ".join(escape(patterns[i]) for i in change.explained_by)
        explained = f' <span class="muted">(only {names})</span>'
    lines = f"+{change.lines_added} / -{change.lines_removed} lines"
    where = " ".join(
        part
        for part in (
            f"A line {change.a_line}" if change.a_line else "",
            f"B line {change.b_line}" if change.b_line else "",
        )
        if part
    )
    summary = (
        f"<summary><code>{escape(change.file.value)}</code> <b>{escape(change.name)}</b> "
        f'<span class="kind">{_KIND_TEXT[change.change]}</span> '
        f'<span class="muted">{lines}{", " + where if where else ""}</span>{explained}</summary>'
    )
    state = "" if change.explained_by else " open"
    return f"<details{state}>{summary}{_bodies(change)}</details>"


def render_html(comparison: PackageComparison) -> str:
    c = comparison
    counts = c.counts()
    patterns = [p.description for p in c.patterns]
    title = f"{c.a.name} compared with {c.b.name}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="generator" content="VeriPost Desktop">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        "<table>",
        _side("A", c.a),
        _side("B", c.b),
        "</table>",
        "<h2>Summary</h2><p>",
        f"Similarity <b>{c.similarity:.0%}</b>: {c.unchanged_sections} section(s) unchanged, "
        + ", ".join(f"{n} {_KIND_TEXT[k]}" for k in ChangeKind if (n := counts[k.value])),
        "</p>",
    ]
    if c.patterns:
        parts.append("<h2>Edits repeated in several sections</h2><ul>")
        for p in c.patterns:
            names = ", ".join(escape(n) for n in p.sections)
            parts.append(
                f"<li><code>{escape(p.description)}</code> in {p.count} sections"
                f'<br><span class="muted">{names}</span></li>'
            )
        parts.append("</ul>")
    if c.descriptor:
        parts.append("<h2>DESCRIPTOR defaults</h2><table><tr><th>attribute</th><th>A</th>")
        parts.append("<th>B</th></tr>")
        for d in c.descriptor:
            parts.append(
                f"<tr><td>{escape(d.attribute)}</td><td>{escape(d.a or '')}</td>"
                f"<td>{escape(d.b or '')}</td></tr>"
            )
        parts.append("</table>")
    if c.library_refs_added or c.library_refs_removed:
        parts.append("<h2>Library references</h2><ul>")
        parts.extend(f"<li>removed <code>{escape(r)}</code></li>" for r in c.library_refs_removed)
        parts.extend(f"<li>added <code>{escape(r)}</code></li>" for r in c.library_refs_added)
        parts.append("</ul>")
    if c.files:
        parts.append("<h2>Files</h2><table><tr><th>type</th><th>A</th><th>B</th><th></th></tr>")
        for f in c.files:
            parts.append(
                f"<tr><td>{escape(f.extension)}</td><td>{escape(f.a_name or '')}</td>"
                f"<td>{escape(f.b_name or '')}</td><td>{escape(f.change)}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<h2>Sections ({len(c.sections)} differ)</h2>")
    if not c.sections:
        parts.append("<p>Every section is the same.</p>")
    parts.extend(_section(s, patterns) for s in c.sections)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def save_html_report(comparison: PackageComparison, destination: Path) -> Path:
    """Write ``render_html`` to ``destination`` (UTF-8) through a temporary
    file beside it, so a failed write never leaves half a report there."""
    destination = Path(destination)
    text = render_html(comparison)
    tmp: Path | None = None
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=destination.parent
        )
        tmp = Path(name)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(tmp, destination)
    except OSError as exc:
        raise VeriPostError(
            ErrorCode.REPORT_NOT_SAVED,
            "The report could not be saved there. Check the folder exists and you can write to it.",
            f"{destination}: {type(exc).__name__}: {exc}",
        ) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return destination
