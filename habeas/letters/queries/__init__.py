"""Every read of open letters that pages and the API need, visibility applied.

One module per area: ``public`` (the public pages and counts) and
``organisers`` (organisers' and moderators' pages). Import a query from its module.
"""
