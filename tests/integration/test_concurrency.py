"""Several writers and several processes on one database: uploads stay idempotent and every
process answers from what is committed."""

from __future__ import annotations

import threading

from app.config import Settings
from app.services.ingest import IngestResult, ingest_bom
from app.services.products import list_products
from app.services.runtime import Runtime
from tests.builders import camera_bom, supplier_module_bom


def test_simultaneous_uploads_of_the_same_bytes_are_one_bom(settings: Settings) -> None:
    data = supplier_module_bom()
    workers = [Runtime(settings) for _ in range(4)]
    start = threading.Barrier(len(workers))
    results: list[IngestResult] = []
    failures: list[BaseException] = []

    def upload(runtime: Runtime) -> None:
        start.wait()
        try:
            results.append(ingest_bom(runtime, data, None))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=upload, args=(worker,)) for worker in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for worker in workers:
        worker.close()
    assert failures == []
    assert len({result.bom_id for result in results}) == 1
    assert sorted(result.created for result in results) == [False, False, False, True]


def test_another_process_sees_an_upload_on_its_next_read(settings: Settings) -> None:
    reader, writer = Runtime(settings), Runtime(settings)
    try:
        ingest_bom(writer, camera_bom(), None)
        with reader.reading() as uow:
            before = {
                p.product.name: p.ai_components for p in list_products(uow, reader.cache).items
            }
        ingest_bom(writer, supplier_module_bom(), None)
        with reader.reading() as uow:
            after = {
                p.product.name: p.ai_components for p in list_products(uow, reader.cache).items
            }
    finally:
        reader.close()
        writer.close()
    assert before == {"smart-camera": 0}
    assert after == {"smart-camera": 1, "vision-module": 1}
