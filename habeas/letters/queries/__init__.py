"""Reads of open letters that pages, exports and the API need, one module per area."""
