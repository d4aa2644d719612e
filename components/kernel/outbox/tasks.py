"""Celery task of the outbox relay (found by the worker's autodiscovery); the periodic sweep runs
in the worker's sweeper thread (components/kernel/celery.py)."""

from celery import shared_task

from . import relay


@shared_task(name="outbox.drain", ignore_result=True)
def drain_outbox() -> dict:
    relay.clear_wake()
    return relay.drain().__dict__
