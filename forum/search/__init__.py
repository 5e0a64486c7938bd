"""Search over topics and posts."""
