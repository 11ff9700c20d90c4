"""Background work for actions."""
