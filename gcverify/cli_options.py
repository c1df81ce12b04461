"""Command-line options that several commands share (click).

Owns: `IMPORT_PATH`, the --import-path option of every command that loads specs (check, prove,
trace, matrix).  No logic lives here.
"""

from __future__ import annotations

import click

IMPORT_PATH = click.option(
    "--import-path",
    "import_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    metavar="DIR",
    help="Let specs import files from DIR too (repeatable).  Without it, a spec imports only from its own "
    "folder and below, and from the bundled library.",
)
