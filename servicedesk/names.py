"""Names that admins type, in several languages, defined once.

A model that inherits `Translated` keeps its English text in its own columns and the other
languages in `translations`, e.g. {"zh-hans": {"name": "信息技术支持"}, "zh-hant": {…}};
`obj.tr("name")` (templates: `{{ obj|tr:"name" }}`) gives the text in the active language,
falling back to the column. The service catalog, teams, departments, business calendars,
escalation chains and service standards use it.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# The languages other than English that names are kept in (the keys of `translations`).
OTHER_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES if code != "en")


class Translated(models.Model):
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def tr(self, field: str) -> str:
        lang = (translation.get_language() or "en").lower()
        value = (self.translations or {}).get(lang, {}).get(field)
        return value or getattr(self, field)


def name_translations(names: dict[str, str], current: dict | None = None) -> dict:
    """`current` translations with each language's "name" set from `names` ({lang: text};
    an empty text removes that language's name)."""
    result = {lang: dict(values) for lang, values in (current or {}).items() if isinstance(values, dict)}
    for lang, text in names.items():
        text = (text or "").strip()
        if text:
            result.setdefault(lang, {})["name"] = text
        elif lang in result:
            result[lang].pop("name", None)
            if not result[lang]:
                del result[lang]
    return result
