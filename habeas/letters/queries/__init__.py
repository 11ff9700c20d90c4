"""Reads of open letters that pages need, by area: ``organisers``, ``public``."""
