"""The notification channel this component publishes on."""

from components.kernel.outbox.kanalen import Kanaal

KANAAL_AUTORISATIES = Kanaal("autorisaties", main_resource="applicatie", kenmerken=())
