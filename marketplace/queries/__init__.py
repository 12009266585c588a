"""Read-side queries behind pages that list many rows.

They only read: no flush, no status change, no audit. Each answers one page with a fixed number
of SQL statements whatever the number of rows, and takes plain values (never `request`).
"""
