"""Search in posts: the panel and its results model."""
