from .abonnement import Abonnement, FilterGroup
from .delivery import Delivery, DeliveryAttempt
from .kanaal import Kanaal
from .notificatie import Notificatie

__all__ = ["Abonnement", "Delivery", "DeliveryAttempt", "FilterGroup", "Kanaal", "Notificatie"]
