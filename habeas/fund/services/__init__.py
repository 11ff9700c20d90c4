"""Every write to the fund: one module per area, one function per use case."""
