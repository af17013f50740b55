"""Posts compared section by section: the comparison, its edit patterns,
similar-post ranking and the HTML report (issue 13). No Qt."""

from veripost_desktop.core.compare.comparison import compare, compare_posts
from veripost_desktop.core.compare.html_report import render_html
from veripost_desktop.core.compare.similarity import SimilarPost, rank_similar

__all__ = ["SimilarPost", "compare", "compare_posts", "rank_similar", "render_html"]
