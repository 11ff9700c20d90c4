"""Template tags for the fund's pages."""
