"""Django admin for kanalen, abonnementen, notificaties and the delivery log (with re-send)."""

from django.contrib import admin, messages

from .delivery import ResendRefused, resend
from .models import Abonnement, Delivery, DeliveryAttempt, FilterGroup, Kanaal, Notificatie


@admin.register(Kanaal)
class KanaalAdmin(admin.ModelAdmin):
    list_display = ("naam", "filters", "documentatie_link")
    search_fields = ("naam",)


class FilterGroupInline(admin.TabularInline):
    model = FilterGroup
    extra = 0


@admin.register(Abonnement)
class AbonnementAdmin(admin.ModelAdmin):
    list_display = ("callback_url", "client_id", "created_at")
    search_fields = ("callback_url", "client_id")
    # The Authorization header the subscriber gave is a secret: set through the API, never shown.
    exclude = ("auth",)
    readonly_fields = ("uuid", "client_id")
    inlines = [FilterGroupInline]


@admin.register(Notificatie)
class NotificatieAdmin(admin.ModelAdmin):
    list_display = ("uuid", "kanaal", "received_at", "client_id")
    list_filter = ("kanaal",)
    readonly_fields = ("uuid", "kanaal", "message", "idempotency_key", "client_id", "received_at")


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("attempt", "started_at", "status_code", "latency_ms", "error")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("uuid", "notificatie", "callback_url", "status", "attempts", "last_status_code",
                    "next_attempt_at", "delivered_at")
    list_filter = ("status", "notificatie__kanaal")
    search_fields = ("callback_url", "uuid", "notificatie__uuid")
    readonly_fields = [field.name for field in Delivery._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["resend_deliveries"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Opnieuw versturen")
    def resend_deliveries(self, request, queryset):
        sent = 0
        for delivery in queryset:
            try:
                resend(delivery)
                sent += 1
            except ResendRefused as refused:
                self.message_user(request, f"{delivery.uuid}: {refused}", messages.WARNING)
        if sent:
            self.message_user(request, f"{sent} aflevering(en) worden opnieuw verstuurd.", messages.SUCCESS)
