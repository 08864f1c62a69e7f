from django.db import migrations


def forwards(apps, schema_editor):
    from simpul.children.classification_data import sync_classification

    sync_classification(
        apps.get_model("children", "Category"),
        apps.get_model("children", "CategorySubtype"),
        apps.get_model("children", "Condition"),
    )


class Migration(migrations.Migration):
    dependencies = [("children", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
