"""Form fields the pages share."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from servicedesk.text import multi_line


class MultiLineField(forms.CharField):
    """Several lines of text, cleaned as the services and the API clean them
    (`servicedesk.text.multi_line`): "\\n" line endings, NUL and other control
    characters but tabs and newlines dropped rather than refused."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_python(self, value):
        value = super().to_python(value)
        return multi_line(value) if value else value
