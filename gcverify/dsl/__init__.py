"""The language front end: grammar, parser, AST builder.  The only package that imports lark."""
