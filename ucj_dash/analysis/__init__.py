"""What the figures mean: every computed indicator (``indicators``), every constant
with its source (``settings``), a region's profile (``profile``), where to act
first (``priority``) and the cost of closing the gap (``cost``)."""
