"""No models. The module exists so that `migrate` sends this app pre_migrate,
which creates the shared database cache's table (plumbing/sharedcache.py)."""
