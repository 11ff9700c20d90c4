"""Background work for the fund: mail to pledgers."""
