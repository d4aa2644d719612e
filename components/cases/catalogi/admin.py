"""Django admin for the whole catalogus: every type, a publish action, and JSON export/import."""

import json

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from rest_framework.exceptions import APIException, ValidationError

from . import services
from .models import (
    BesluitType,
    Catalogus,
    Eigenschap,
    InformatieObjectType,
    ResultaatType,
    RolType,
    StatusType,
    ZaakObjectType,
    ZaakType,
    ZaakTypeInformatieObjectType,
)
from .transfer import ImportError_, export_catalogus, import_catalogus


class ImportForm(forms.Form):
    bestand = forms.FileField(help_text="Een JSON-export van een catalogus.")


@admin.register(Catalogus)
class CatalogusAdmin(admin.ModelAdmin):
    list_display = ("__str__", "domein", "rsin", "versie")
    search_fields = ("naam", "domein", "rsin")
    actions = ["export_json"]
    change_list_template = "admin/catalogi/catalogus/change_list.html"

    @admin.action(description="Exporteer als JSON")
    def export_json(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Kies één catalogus om te exporteren.", messages.ERROR)
            return None
        catalogus = queryset.get()
        response = HttpResponse(json.dumps(export_catalogus(catalogus), indent=2, ensure_ascii=False),
                                content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="catalogus-{catalogus.uuid}.json"'
        return response

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_view), name="catalogi_catalogus_import"),
                *super().get_urls()]

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                catalogus = import_catalogus(json.load(form.cleaned_data["bestand"]))
            except (ValueError, KeyError, ImportError_) as exc:
                self.message_user(request, f"Import mislukt: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Catalogus {catalogus} geïmporteerd.", messages.SUCCESS)
                return redirect("admin:catalogi_catalogus_changelist")
        context = {**self.admin_site.each_context(request), "form": form, "title": "Catalogus importeren",
                   "opts": self.model._meta}
        return render(request, "admin/catalogi/catalogus/import.html", context)


class PublishAdminMixin:
    actions = ["publish"]
    list_filter = ("concept",)

    @admin.action(description="Publiceren (concept → definitief)")
    def publish(self, request, queryset):
        for obj in queryset:
            try:
                services.publish_from_admin(request, obj)
            except ValidationError as exc:
                self.message_user(request, f"{obj}: niet gepubliceerd: {exc.detail}", messages.ERROR)
            except APIException as exc:
                self.message_user(request, f"{obj}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, f"{obj} is gepubliceerd.", messages.SUCCESS)


class OnderdeelInline(admin.TabularInline):
    extra = 0
    show_change_link = True


class StatusTypeInline(OnderdeelInline):
    model = StatusType
    fields = ("volgnummer", "omschrijving", "omschrijving_generiek", "informeren")


class RolTypeInline(OnderdeelInline):
    model = RolType


class ResultaatTypeInline(OnderdeelInline):
    model = ResultaatType
    fields = ("omschrijving", "resultaattypeomschrijving", "selectielijstklasse", "archiefnominatie",
              "archiefactietermijn", "brondatum_afleidingswijze")


class ZaakTypeInformatieObjectTypeInline(OnderdeelInline):
    model = ZaakTypeInformatieObjectType
    fields = ("volgnummer", "informatieobjecttype_omschrijving", "richting")


@admin.register(ZaakType)
class ZaakTypeAdmin(PublishAdminMixin, admin.ModelAdmin):
    list_display = ("identificatie", "omschrijving", "versiedatum", "begin_geldigheid", "einde_geldigheid",
                    "concept")
    list_filter = ("concept", "catalogus")
    search_fields = ("identificatie", "omschrijving")
    inlines = [StatusTypeInline, RolTypeInline, ResultaatTypeInline, ZaakTypeInformatieObjectTypeInline]


@admin.register(InformatieObjectType)
class InformatieObjectTypeAdmin(PublishAdminMixin, admin.ModelAdmin):
    list_display = ("omschrijving", "begin_geldigheid", "einde_geldigheid", "concept")
    search_fields = ("omschrijving",)


@admin.register(BesluitType)
class BesluitTypeAdmin(PublishAdminMixin, admin.ModelAdmin):
    list_display = ("omschrijving", "begin_geldigheid", "einde_geldigheid", "concept")
    search_fields = ("omschrijving",)


for model in (StatusType, RolType, ResultaatType, Eigenschap, ZaakObjectType, ZaakTypeInformatieObjectType):
    admin.site.register(model, list_display=("__str__", "zaaktype"), search_fields=("zaaktype__identificatie",))
