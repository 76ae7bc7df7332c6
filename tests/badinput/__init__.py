"""Bad inputs written at test time (see ``kinds.py``): nothing big or binary is committed."""
