"""Pages of solidarity actions (modules by area: public, organisers, rsvps, reports, placards)."""
