"""Entry point for ``python -m tenderlint``."""

from tenderlint.cli import run

if __name__ == "__main__":
    run()
