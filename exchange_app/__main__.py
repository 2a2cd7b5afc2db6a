"""``python -m exchange_app`` is ``exchange-app``."""

from exchange_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
