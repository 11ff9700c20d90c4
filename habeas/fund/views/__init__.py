"""The fund's pages: public (views.public), pledges (views.pledges) and the
treasurers' (views.treasury)."""
