"""``tenderlint serve``: the local upload page for people who never open a terminal."""

from __future__ import annotations

from pathlib import Path

import click

from tenderlint.commands._common import ocr_option, user_errors
from tenderlint.errors import TenderlintError


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback by default).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--max-upload-mb", type=click.FloatRange(min=0.01), default=25, show_default=True,
              help="Largest upload accepted; larger ones get 413.")
@click.option("--workers", type=click.IntRange(0, 64), default=2, show_default=True,
              help="Worker processes that run the checks (0 = threads in the server process).")
@click.option("--no-model", is_flag=True, help="Use the rules alone, without the classifier.")
@click.option("--rules", "rules_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="An extra folder of rule files (repeatable).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A tenderlint.toml or pyproject.toml (default: the nearest one found), as for check.")
@ocr_option
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds one check may take; a slower upload gets error[timeout].")
@user_errors
def serve(host: str, port: int, max_upload_mb: float, workers: int, no_model: bool, rules_dirs: tuple[Path, ...],
          config_path: Path | None, ocr: str, timeout: float) -> None:
    """Serve the upload page at http://HOST:PORT/ (Ctrl+C stops it).

    Uploads are checked with the configuration found as `check` finds it (selection, severities,
    waivers; `[[per-file]]` globs are matched against the uploaded file's name). --ocr is the
    choice the upload form starts with; the form can change it for one upload."""
    try:
        import uvicorn

        from tenderlint.web.app import create_app
    except ImportError:
        raise TenderlintError("usage", "the web page needs its extras: pip install 'tenderlint[web]'") from None
    from tenderlint.check import check_ocr_mode
    from tenderlint.config import check_options, load_config

    check_ocr_mode(ocr)
    config = load_config(config_path) if config_path else load_config()
    options = check_options(config, rules_dirs=tuple(str(d) for d in rules_dirs), use_model=not no_model, ocr=ocr)
    app = create_app(max_upload_mb=max_upload_mb, workers=workers, options=options, timeout=timeout)
    click.echo(f"tenderlint is serving on http://{host}:{port}/ (uploads are never kept)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
