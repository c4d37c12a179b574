"""The defaults row for every team (a delay and sampling for a real installation) and the
reasons to choose from, named in English, 简体中文 and 繁體中文."""

from django.db import migrations

REASONS = [
    ("slow", "It took too long", "处理太慢", "處理太慢"),
    ("not-solved", "The problem is not really solved", "问题没有真正解决", "問題沒有真正解決"),
    ("communication", "Unclear or unfriendly communication", "沟通不清楚或不友好", "溝通不清楚或不友善"),
    ("process", "Too much process or paperwork", "流程或手续太繁琐", "流程或手續太繁瑣"),
    ("other", "Something else", "其他", "其他"),
]


def create_defaults(apps, schema_editor):
    SurveySettings = apps.get_model("surveys", "SurveySettings")
    SurveyReason = apps.get_model("surveys", "SurveyReason")
    defaults, _created = SurveySettings.objects.get_or_create(team=None)
    for order, (key, en, hans, hant) in enumerate(REASONS):
        SurveyReason.objects.get_or_create(settings=defaults, key=key, defaults={
            "name": en, "order": order,
            "translations": {"zh-hans": {"name": hans}, "zh-hant": {"name": hant}}})


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
