"""Typed intermediate representation: sorts, expressions, statements, actions, the spec."""
