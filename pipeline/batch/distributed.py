"""Running a batch on an existing Dask distributed cluster (``--scheduler``).

Workers run the same ``process_task`` as the local pool and write into the same
output folder, so that folder must be shared (NFS, SMB) between the machines.
A scheduler without TLS runs whatever code it is sent: let it listen only on a
trusted network, or use ``tls://`` with Dask's security settings
(``distributed.comm.tls.*`` in the Dask configuration or ``DASK_DISTRIBUTED__COMM__TLS__*`` variables).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.config import PipelineConfig
from pipeline.errors import ConfigError, MissingDependencyError


def _client(address: str):
    try:
        from distributed import Client
        from distributed.security import Security
    except ImportError as exc:
        raise MissingDependencyError("--scheduler needs dask.distributed",
                                     how_to_fix="pip install 'sohoa[distributed]'") from exc
    security = Security.from_config() if address.startswith("tls://") else None
    try:
        return Client(address, security=security, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {address}: {exc}",
                          how_to_fix="start it with `dask scheduler` and check the address") from exc


def run_on_cluster(tasks: list, config: PipelineConfig, output_dir: Path, address: str,
                   emit: Callable) -> None:
    from distributed import as_completed

    from pipeline.batch.runner import process_task, worker_failure

    client = _client(address)
    try:
        futures = {client.submit(process_task, task, config, str(output_dir.resolve()), pure=False): task
                   for task in tasks}
        for future in as_completed(list(futures)):
            task = futures[future]
            try:
                emit(future.result())
            except Exception as exc:  # KilledWorker, lost connection: one document fails, the batch goes on
                emit(worker_failure(task, output_dir, config, f"the Dask worker failed: {type(exc).__name__}: {exc}"))
    finally:
        client.close()
