"""The batch as a ``spark-submit`` application: ``spark-submit [spark options] submit.py INPUT --out DIR``.

``spark-submit`` runs a Python file, not a console script; this file is that
entry point. Its arguments are those of ``storytrace batch`` (``--master`` and
``--conf`` are better given to ``spark-submit`` itself). The path to pass is
printed by ``python -c "import storytrace.spark.submit as s; print(s.__file__)"``.
docs/spark.md has a full example.

Does not: anything ``storytrace batch`` does not.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    """Run ``storytrace batch`` with ``argv`` (default: the command line)."""
    from storytrace.cli import app

    app(["batch", *(sys.argv[1:] if argv is None else argv)], prog_name="storytrace batch")


if __name__ == "__main__":
    main()
