from django.db import migrations


def load(apps, schema_editor):
    from shezhi.core.workdays import calendar_load_package

    calendar_load_package(
        day_model=apps.get_model("core", "CalendarDay"),
        year_model=apps.get_model("core", "CalendarYear"),
    )


def unload(apps, schema_editor):
    # Only what the package put there: days and years a superuser entered stay.
    apps.get_model("core", "CalendarDay").objects.filter(source="package").delete()
    apps.get_model("core", "CalendarYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_load_official_divisions")]

    operations = [migrations.RunPython(load, unload)]
