"""Django admin for applicaties, their autorisaties and client credentials."""

from django.contrib import admin, messages

from .models import Applicatie, Autorisatie, ClientCredential
from .models.credentials import new_secret


class AutorisatieInline(admin.TabularInline):
    model = Autorisatie
    extra = 0


@admin.register(Applicatie)
class ApplicatieAdmin(admin.ModelAdmin):
    list_display = ("label", "client_ids", "heeft_alle_autorisaties")
    search_fields = ("label", "client_ids")
    inlines = [AutorisatieInline]


@admin.register(ClientCredential)
class ClientCredentialAdmin(admin.ModelAdmin):
    list_display = ("client_id", "created_at")
    search_fields = ("client_id",)
    # The secret is never shown; rotating it shows the new one exactly once.
    exclude = ("secret",)
    actions = ["rotate_secret"]

    @admin.action(description="Nieuw secret maken (wordt één keer getoond)")
    def rotate_secret(self, request, queryset):
        for credential in queryset:
            credential.secret = new_secret()
            credential.save(update_fields=["secret"])
            self.message_user(request, f"{credential.client_id}: {credential.secret}", messages.WARNING)
