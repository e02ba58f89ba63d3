"""The tokens of emailed links (invitations R50, certificate requests R28): only their SHA-256 is
stored, so the token itself lives only in the email."""

import hashlib
import secrets

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    """The hex SHA-256 of a link's token: what the database keeps and looks up."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(token for the link, its hash for the database)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)
