from django.db import migrations


def load(apps, schema_editor):
    from shezhi.core.services import divisions_load_official

    divisions_load_official(division_model=apps.get_model("core", "Division"))


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
