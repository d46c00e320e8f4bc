"""Importing Blogger exports: parsing, HTML conversion and the import service."""
