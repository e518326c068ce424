"""Content's moderation decisions, reports and share links move to the shared publishing blocks.

Every row is copied with its primary key (share links keep their codes and
the engagement log's idempotency keys, which name share ids, stay valid),
naming its item as subject ``content.contentitem``; then content's own
tables go.
"""

from django.core.management.color import no_style
from django.db import migrations

SUBJECT = "content.contentitem"
BATCH = 5_000


def _copy(old_model, new_model, fields, using):
    rows = []
    for row in old_model.objects.using(using).order_by("pk").iterator(chunk_size=BATCH):
        rows.append(
            new_model(
                pk=row.pk,
                subject_type=SUBJECT,
                subject_id=row.item_id,
                **{name: getattr(row, name) for name in fields},
            )
        )
        if len(rows) == BATCH:
            new_model.objects.using(using).bulk_create(rows)
            rows = []
    if rows:
        new_model.objects.using(using).bulk_create(rows)


def forwards(apps, schema_editor):
    using = schema_editor.connection.alias
    moves = [
        ("ModerationDecision", ["moderator_id", "action", "reason", "created_at"]),
        (
            "Report",
            ["reporter_id", "reporter_key", "reason", "details", "created_at", "resolved_at"],
        ),
        ("Share", ["sharer_id", "channel", "code", "click_count", "created_at"]),
    ]
    new_models = []
    for name, fields in moves:
        new_model = apps.get_model("publishing", name)
        _copy(apps.get_model("content", name), new_model, fields, using)
        new_models.append(new_model)
    # Rows came with their ids: the next id must come after them (PostgreSQL sequences).
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), new_models):
            cursor.execute(statement)


def backwards(apps, schema_editor):
    using = schema_editor.connection.alias
    for name, fields in [
        ("ModerationDecision", ["moderator_id", "action", "reason", "created_at"]),
        (
            "Report",
            ["reporter_id", "reporter_key", "reason", "details", "created_at", "resolved_at"],
        ),
        ("Share", ["sharer_id", "channel", "code", "click_count", "created_at"]),
    ]:
        old_model = apps.get_model("content", name)
        rows = apps.get_model("publishing", name).objects.using(using).filter(subject_type=SUBJECT)
        old_model.objects.using(using).bulk_create(
            [
                old_model(pk=row.pk, item_id=row.subject_id, **{f: getattr(row, f) for f in fields})
                for row in rows.iterator(chunk_size=BATCH)
            ],
            batch_size=BATCH,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("content", "0003_contributor"),
        ("publishing", "0001_shared_blocks"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.AlterModelOptions(
            name="contentitem",
            options={
                "ordering": ["-published_at", "-pk"],
                "permissions": [
                    ("request_rights", "Can ask contributors for rights to use their content"),
                    ("pick_for_campaign", "Can pick content for campaigns and download it"),
                ],
                "verbose_name": "content item",
                "verbose_name_plural": "content items",
            },
        ),
        migrations.DeleteModel(
            name="ModerationDecision",
        ),
        migrations.DeleteModel(
            name="Report",
        ),
        migrations.DeleteModel(
            name="Share",
        ),
    ]
