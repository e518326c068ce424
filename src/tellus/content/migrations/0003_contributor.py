from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The person behind an item is its contributor, as the product and its pages say."""

    dependencies = [
        ("content", "0002_purpose_choices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(model_name="contentitem", name="content_con_author__b18295_idx"),
        migrations.RenameField("contentitem", "author", "contributor"),
        migrations.AddIndex(
            model_name="contentitem",
            index=models.Index(
                fields=["contributor", "-created_at"], name="content_con_contrib_7abbaf_idx"
            ),
        ),
    ]
