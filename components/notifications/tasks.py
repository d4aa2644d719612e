"""Celery tasks of the notifications component: delivering (see delivery.py; the sweep runs in
the worker's sweeper thread, see components/kernel/celery.py)."""

from celery import shared_task

from . import delivery


# acks_late: a task whose worker dies mid-way goes back to the queue (and the delivery's lease
# lets the sweep send it sooner still).
@shared_task(name="notifications.route", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def route() -> int:
    return delivery.route_while_woken()


@shared_task(name="notifications.deliver", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def deliver(delivery_ids: list[int]) -> int:
    return delivery.deliver_batch(delivery_ids)
