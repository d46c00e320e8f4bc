"""Plumbing that belongs to no domain app: page caching, rate limits, form tokens."""
