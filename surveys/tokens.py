"""The survey link's token: `<invite id>.<signature>`, the signature an HMAC of the invite,
its ticket and cycle under SECRET_KEY (django.core.signing). The database keeps only its
SHA-256, so that a copy of the table opens no survey; a token is checked in constant time.
Single use and expiry are the invite's state, not the token's."""

import hashlib
import hmac

from django.core import signing

_SALT = "surveys.invite"


def _signer() -> signing.Signer:
    return signing.Signer(salt=_SALT)


def make_token(*, invite_id: int, ticket_id: int, cycle: int) -> str:
    signature = _signer().signature(f"{invite_id}:{ticket_id}:{cycle}")
    return f"{invite_id}.{signature}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_invite_id(token: str) -> int | None:
    """The invite id a token names, or None for text that is not a token at all."""
    head, sep, signature = token.partition(".")
    if not sep or not signature or not head.isascii() or not head.isdigit() or len(head) > 18:
        return None
    return int(head)


def token_matches(token: str, *, invite_id: int, ticket_id: int, cycle: int, stored_hash: str) -> bool:
    """Whether `token` is this invite's: its signature and the stored hash, both compared
    in constant time."""
    expected = make_token(invite_id=invite_id, ticket_id=ticket_id, cycle=cycle)
    return (hmac.compare_digest(expected.encode(), token.encode())
            and bool(stored_hash) and hmac.compare_digest(stored_hash, token_hash(token)))
