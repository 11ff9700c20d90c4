"""Every read of open letters that pages, exports and the API need, visibility applied.

One module per area: ``public`` (the public pages and counts), ``organisers``
(organisers' and moderators' pages) and ``pack`` (the delivery pack). Import
a query from its module.
"""
