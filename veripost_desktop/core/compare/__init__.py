"""Posts compared section by section: the comparison, its edit patterns,
similar-post ranking and the HTML report (issue 13). No Qt."""
