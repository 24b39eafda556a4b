from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from participation.extensions import db
from participation.territory.services import import_qpv_csv


@click.group("qpv", help="The reference list of quartiers prioritaires.")
def qpv_group() -> None:
    pass


@qpv_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(file: Path) -> None:
    """Import or update QPV from the ANCT CSV file (all rows or none)."""
    report = import_qpv_csv(file.read_bytes())
    if not report.ok:
        db.session.rollback()
        for line, message in report.errors:
            click.echo(f"line {line}: {message}", err=True)
        click.echo(f"Nothing imported: {len(report.errors)} error(s).", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"{report.created} QPV created, {report.updated} updated.")
