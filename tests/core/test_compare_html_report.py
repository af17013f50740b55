"""The HTML report: one self-contained file (inline CSS, no script, nothing
fetched), every text from the posts escaped, the sections side by side."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.core.compare_helpers import corpus_post, post, src
from veripost_desktop.core.compare import compare_posts, render_html
from veripost_desktop.core.compare.html_report import save_html_report
from veripost_desktop.core.errors import ErrorCode, VeriPostError


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def test_the_report_is_self_contained_and_complete(corpus_dir: Path) -> None:
    c = compare_posts(
        corpus_post(corpus_dir, "GRBL-Post"), corpus_post(corpus_dir, "SCL-SW-GRBL-1_1")
    )
    html = render_html(c)
    doc = parse(html)
    names = [t for t, _ in doc.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    assert "iframe" not in names and "object" not in names
    assert names.count("style") == 1
    for _tag, attrs in doc.tags:
        for attr in ("src", "href"):
            assert attr not in attrs
        assert "url(" not in (attrs.get("style") or "")
    assert "url(" not in html and "@import" not in html
    text = "".join(doc.text)
    assert "GRBL-Post compared with SCL-SW-GRBL-1_1" in text
    assert f"Similarity {c.similarity:.0%}" in text
    assert 'removed "<N>"' in text  # escaped in the HTML, read back as text
    assert "<N>" not in html.replace("&lt;N&gt;", "")
    # Every changed section is there, the explained ones folded.
    details = [attrs for tag, attrs in doc.tags if tag == "details"]
    assert len(details) == len(c.sections)
    opened = sum(1 for d in details if "open" in d)
    assert opened == sum(1 for s in c.sections if not s.explained_by) == 3
    for s in c.sections:
        assert s.name in text
    assert "RSCNC32" in text and "Generic CNC Mill" in text  # the DESCRIPTOR defaults
    # Lines carry their numbers in the files.
    start = next(s for s in c.sections if s.name == "START_OF_TAPE")
    assert start.a_line is not None and start.b_line is not None
    assert f'<td class="no">{start.a_line}</td><td class="a">:SECTION=START_OF_TAPE' in html
    assert f'<td class="no">{start.b_line}</td><td class="b">:SECTION=START_OF_TAPE' in html
    # Changed characters are marked: the "<N>" removed from a line.
    assert '<span class="del">&lt;N&gt;</span>' in html


def test_everything_from_the_posts_is_escaped() -> None:
    evil = '<script>alert("x")</script>'
    a = post(evil, {"P.SRC": src(f":SECTION=A\n:T:{evil}<EOL>\n")})
    b = post("B&B", {"P.SRC": src(f":SECTION=A\n:T:{evil}!<EOL>\n", ":SECTION=NEW\n:T:x\n")})
    html = render_html(compare_posts(a, b))
    assert "<script>" not in html
    doc = parse(html)
    assert "script" not in [t for t, _ in doc.tags]
    text = "".join(doc.text)
    assert evil in text and "B&B" in text


def test_save_html_report_writes_the_file_or_says_why(tmp_path: Path) -> None:
    c = compare_posts(post("A", {"P.SRC": src()}), post("B", {"P.SRC": src(":SECTION=X\n")}))
    target = save_html_report(c, tmp_path / "report.html")
    assert target.read_text(encoding="utf-8") == render_html(c)
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    with pytest.raises(VeriPostError) as info:
        save_html_report(c, tmp_path / "missing-folder" / "report.html")
    assert info.value.code == ErrorCode.REPORT_NOT_SAVED
