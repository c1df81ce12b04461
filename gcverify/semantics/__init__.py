"""Semantics: the one interpreter of the IR, generic in its value type (STYLE.md §3)."""
