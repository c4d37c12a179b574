"""The API's one request-body parser (REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]; the
upload endpoint alone reads multipart).

Whatever it cannot read is a 400 with a sentence saying why, never a 500: a body that is
not UTF-8, not JSON (NaN and Infinity included), or nested deeper than `MAX_DEPTH` (the
standard library's decoder recurses, so 1,000 levels in a 2 KB body would otherwise
exhaust Python's stack). A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is
read (`servicedesk.api.exception_handler`).
"""

import codecs

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json

# Deeper than any body the API documents (a calendar's holidays are three levels).
MAX_DEPTH = 32


def _too_deep(value, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})
        too_deep = _("The body is nested too deeply: at most %(n)d levels of lists and objects.") % {"n": MAX_DEPTH}
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=json.strict_constant)
        except RecursionError:
            raise ParseError(too_deep) from None
        except UnicodeDecodeError:
            raise ParseError(_("The body is not valid UTF-8.")) from None
        except ValueError as exc:
            raise ParseError(_("The body is not valid JSON: %(reason)s") % {"reason": exc}) from None
        if _too_deep(data, MAX_DEPTH):
            raise ParseError(too_deep)
        return data
