"""Template tags for the pages of solidarity actions."""
