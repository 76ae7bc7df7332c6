"""The SparkSession the batch runs on, with storytrace's defaults.

Does: pick the master (``--master``; the one ``spark-submit`` set; else
``local[*]``); pass ``--conf key=value`` settings through (they win over the
defaults below); make Python workers run this interpreter (``PYSPARK_PYTHON``,
unless the environment or ``spark.pyspark.python`` says otherwise); quiet
Spark's logging to errors (a log4j2 file for the driver JVM, then
``setLogLevel``); show Spark's console progress bar in a terminal; on a
``local`` master, use 2 shuffle partitions per core instead of 200 and turn
adaptive execution off (it would merge partitions that are already few, at
the cost of a Spark job per shuffle). On a cluster adaptive execution stays
on: it merges the small partitions of SQL shuffles; the Python stages set
their partition counts themselves (``repartition(n)``, which adaptive
execution keeps), sized by work rather than bytes.

Does not: read or write data. pyspark is imported here, so import this
module only when a session is wanted.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from pyspark.sql import SparkSession

APP_NAME = "storytrace batch"
DEFAULTS = {
    "spark.sql.session.timeZone": "UTC",
    "spark.python.worker.reuse": "true",
}
# Spark's own log4j2 defaults print INFO/WARN lines; the batch shows errors only (and its own progress).
LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
"""


def under_spark_submit() -> bool:
    """True when ``spark-submit`` started this interpreter (its JVM is already running)."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def settings(master: str | None, conf: Mapping[str, str], progress_bar: bool) -> dict[str, str]:
    """The configuration a new session gets: storytrace's defaults overlaid by ``conf``."""
    out = dict(DEFAULTS)
    out["spark.ui.showConsoleProgress"] = "true" if progress_bar else "false"
    if not under_spark_submit():
        master = master or "local[*]"
        out["spark.driver.extraJavaOptions"] = f"-Dlog4j2.configurationFile={_log_config().as_uri()}"
    if master:
        out["spark.master"] = master
        cores = local_cores(master)
        if cores:  # on one machine, 200 shuffle partitions (Spark's default, sized for clusters) are mostly overhead
            out["spark.sql.shuffle.partitions"] = str(max(4, 2 * cores))
            # With a few shuffle partitions adaptive execution has nothing to merge, and it runs each shuffle's
            # map side as a job of its own: 57 jobs a run instead of 32, a fixed cost that does not shrink with cores.
            out["spark.sql.adaptive.enabled"] = "false"
    out.update(conf)
    return out


def local_cores(master: str) -> int | None:
    """The cores of a ``local``, ``local[N]`` or ``local[*]`` master; None for a cluster."""
    match = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master.strip())
    if match is None:
        return None
    count = match.group(1)
    if count is None:  # plain "local": one thread
        return 1
    return (os.cpu_count() or 1) if count == "*" else int(count)


def _log_config() -> Path:
    path = Path(tempfile.gettempdir()) / "storytrace-spark-log4j2.properties"
    if not path.exists() or path.read_text("utf-8") != LOG4J2:
        path.write_text(LOG4J2, "utf-8")
    return path


def python_for_workers(conf: Mapping[str, str]) -> None:
    """Make Spark's Python workers run ``conf['spark.pyspark.python']``, ``$PYSPARK_PYTHON`` or this interpreter.

    Under ``spark-submit`` nothing is changed: it set ``PYSPARK_PYTHON`` from its own
    ``spark.pyspark.python``, and this interpreter's path may not exist on the executors.
    """
    chosen = conf.get("spark.pyspark.python")
    if chosen:
        os.environ["PYSPARK_PYTHON"] = chosen
    elif not under_spark_submit():
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


@contextmanager
def session(
    master: str | None = None, conf: Mapping[str, str] | None = None, progress_bar: bool = False
) -> Iterator[SparkSession]:
    """A SparkSession for the batch; stopped at the end if this call started it."""
    conf = dict(conf or {})
    existing = SparkSession.getActiveSession()
    python_for_workers(conf)
    builder = SparkSession.builder.appName(APP_NAME)
    for key, value in settings(master, conf, progress_bar).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        yield spark
    finally:
        if existing is None:
            spark.stop()
