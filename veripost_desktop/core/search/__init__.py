"""Search inside every stored post (issue 14): the index the parsing step fills, and its queries."""
