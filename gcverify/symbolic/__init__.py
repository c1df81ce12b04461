"""The symbolic engine: the same transition system encoded for Z3.  The only package importing z3."""
