"""The Dask worker plugin of the cluster a server with ROTATION_CLUSTER=local starts (api.cluster):
a module of its own, imported only there, because it needs `distributed` (the [cluster] extra)."""

from __future__ import annotations

from distributed import Worker, WorkerPlugin

from api.worker import lower_priority


class LowPriority(WorkerPlugin):
    """Region solves on the server's own cluster run at the solve processes' priority
    (api.worker.NICENESS), not above the API's. Set up in each worker, a restarted one too, before
    its first task, so the threads that run tasks inherit it."""

    def setup(self, worker: Worker) -> None:
        lower_priority()
