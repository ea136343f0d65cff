"""A corpus of broken, hostile and odd input folders, generated from a table (see cases.py)."""
