"""Entry point for ``python -m tenderlint``."""

from tenderlint.cli import main

if __name__ == "__main__":
    main()
