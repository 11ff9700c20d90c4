"""Every write to solidarity actions: one function per use case (modules by area)."""
