"""The notification channels the Catalogi API publishes on, with the kenmerken the standard names."""

from components.kernel.outbox.kanalen import Kanaal

KANAAL_ZAAKTYPEN = Kanaal("zaaktypen", main_resource="zaaktype", kenmerken=("catalogus",))
KANAAL_INFORMATIEOBJECTTYPEN = Kanaal("informatieobjecttypen", main_resource="informatieobjecttype",
                                      kenmerken=("catalogus",))
KANAAL_BESLUITTYPEN = Kanaal("besluittypen", main_resource="besluittype", kenmerken=("catalogus",))
