"""Money at Stripe. The only package that imports `stripe` (see gateway.py)."""
