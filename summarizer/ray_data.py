"""Past one machine: the same library functions as a Ray Data pipeline (the ``ray`` extra).

    ray.data.read_json(JSON Lines) ─▶ map_batches(stream.summarize_records: ingest + regions + summarise)
                                   ─▶ write_json(folder): the rows ``summarize --jsonl`` writes

No cluster code of our own: Ray schedules the batches over the cores of every machine in the cluster
(``ray.init(address="auto")`` on a cluster, a local instance otherwise), and each batch runs the
functions a local run does, so the summaries are the local run's (tests/test_ray_slow.py). Records need
an ``id`` field to be told apart in the output (Ray does not keep line numbers); the stories of one record
(a newspaper page) get ``id/2``, ``id/3`` as in a local run.

The model stage scales out the other way: run the model behind vLLM (or any OpenAI-compatible server)
replicas and give the OpenAI-compatible engine their address; the batches then only send requests.

    >>> import ray
    >>> ray.init(num_cpus=2, include_dashboard=False)
    >>> from summarizer.ray_data import summarize_with_ray
    >>> summarize_with_ray("month.jsonl", "out/")   # out/*.json: one JSON object a line
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

# Every row has every column (an article's, or a skipped record's, the others empty): Arrow takes a
# batch's schema from its rows, and a batch of only skipped records must still fit the others.
COLUMNS = ("id", "file", "story", "title", "source", "date", "url", "region", "summary", "figures", "engine",
           "method", "record", "skipped", "skipped_zh", "ignored")


def _value(value: object) -> object:
    """A column's value as JSON would give it: Arrow/pandas write a missing field as None or NaN."""
    return None if isinstance(value, float) and math.isnan(value) else value


def summarize_batch(batch: Any, options: Mapping[str, Any] | None = None) -> Any:
    """The function ``map_batches`` applies: a batch of records (Arrow) → the rows of their articles.

    A plain function, run as Ray tasks: a pool of actors would hold a CPU each even while the reading
    tasks wait for one (on two CPUs the pipeline stalled). A Ray worker process keeps, for its next
    batches, the division tables it loaded and the engine it opened (``stream.engine_for``: once per
    engine and options, so a model is loaded once per worker, not once per batch).
    """
    import pyarrow as pa

    from .stream import summarize_records

    records = [{k: v for k, v in row.items() if _value(v) is not None} for row in batch.to_pylist()]
    rows = summarize_records(records, **(options or {}))
    return pa.Table.from_pylist([{c: row.get(c) for c in COLUMNS} for row in rows])


def summarize_with_ray(
    inputs: str | Sequence[str],
    output: str,
    *,
    batch_size: int = 64,
    concurrency: int | None = None,
    **options: object,
) -> None:
    """Read JSON Lines ``inputs`` with Ray Data, summarise them batch by batch, write JSON Lines into ``output``.

    Args:
        inputs: .jsonl files or folders of them (anything ``ray.data.read_json`` reads).
        output: a folder; Ray writes one file per block.
        batch_size: records per batch (a job of ``parallel``'s size by default).
        concurrency: at most this many batches at a time (default: Ray's choice, as CPUs allow).
        options: for ``stream.summarize_records``: ``backend``, ``model``, ``max_chars``, ``aliases`` and
            the engine's options (``base_url=`` for the OpenAI-compatible engine).

    Raises:
        ImportError: Ray is not installed (``pip install 'summarizer[ray]'``).
    """
    try:
        import ray
    except ImportError as exc:
        raise ImportError("the Ray recipe needs Ray: pip install 'summarizer[ray]'") from exc

    dataset = ray.data.read_json(inputs if isinstance(inputs, str) else list(inputs))
    extra: dict[str, Any] = {"concurrency": concurrency} if concurrency else {}
    rows = dataset.map_batches(summarize_batch, fn_kwargs={"options": options}, batch_size=batch_size,
                               batch_format="pyarrow", **extra)
    rows.write_json(output)


__all__ = ["COLUMNS", "summarize_batch", "summarize_with_ray"]
