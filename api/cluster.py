"""The Dask cluster a server with ROTATION_CLUSTER=local starts for its jobs' regions."""

from __future__ import annotations

import os

from api.config import Settings


class LocalDaskCluster:
    """The Dask LocalCluster a server with ROTATION_CLUSTER=local owns: started here, in the
    server process, because job processes are daemonic and may not start processes of their own."""

    def __init__(self, workers: int) -> None:
        from distributed import Client, LocalCluster

        from api.cluster_priority import LowPriority

        self.cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        self.address: str = self.cluster.scheduler_address
        with Client(self.cluster) as client:
            client.register_plugin(LowPriority())

    def close(self) -> None:
        self.cluster.close()


def start_cluster(settings: Settings) -> LocalDaskCluster | None:
    """A local cluster with one worker per core when settings.cluster is `local`, else None (an
    address of a cluster run elsewhere is handed to the jobs as it is)."""
    if settings.cluster != "local":
        return None
    return LocalDaskCluster(max(1, os.cpu_count() or 1))
