from django.db import migrations


def forwards(apps, schema_editor):
    from simpul.directory.taxonomy import sync_taxonomies

    sync_taxonomies(apps.get_model("directory", "TaxonomyTerm"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
