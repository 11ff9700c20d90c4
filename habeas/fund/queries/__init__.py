"""Reads of the fund that pages need, with visibility applied (modules by area)."""
