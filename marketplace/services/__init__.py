"""Services own the product's rules and state; they flush, never commit (see marketplace.db)."""
