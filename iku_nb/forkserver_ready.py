"""End the preload of the workers' forkserver, as the last module it imports.

:mod:`iku_nb.forkserver_guard` pauses the garbage collector for the preload.
This module moves every object the preload made into the permanent
generation (``gc.freeze``), which the collector never scans, and starts the
collector again. A worker forked from the server therefore has a running
collector and starts with its youngest generation empty, instead of
scanning the preload's objects at its first collection. The preload's
garbage, about 8,000 unreachable objects, is frozen with them and never
freed, which costs less than collecting it on the way to the first worker.

Imported anywhere but in a forkserver whose guard paused the collector, the
module changes nothing.
"""

from __future__ import annotations

import gc

from iku_nb import forkserver_guard

if forkserver_guard.COLLECTOR_PAUSED:
    gc.freeze()
    gc.enable()
