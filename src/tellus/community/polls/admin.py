from django.contrib import admin

from tellus.community.polls.models import Option, Poll


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("question", "kind", "opens_at", "closes_at", "state", "initiative")
    list_filter = ("state", "kind", "show_results")
    search_fields = ("question",)
    raw_id_fields = ("created_by",)
    inlines = [OptionInline]
