"""Admin registration for the "Readers" menu group.

Each screen lives in its own module (comment moderation, reader questions);
this file only gathers them.
"""
