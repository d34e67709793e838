"""Slack OAuth tokens encrypted at rest with Fernet keys from ``KEYPOINTS_TOKEN_KEYS``.

``KEYPOINTS_TOKEN_KEYS`` is a comma-separated list of Fernet keys: the first encrypts, every one
decrypts (``MultiFernet``), so a key is rotated by putting a new one first and dropping the old
one once ``python -m bot.store.tokens reseal`` has re-encrypted the stored tokens.

Stored values are told apart by their shape: a Fernet token always starts with ``gAAAAA``
(version byte 0x80, then a timestamp), a Slack token with ``xox``. So rows written before a key
was set are still read as they are, and encrypted on their next write.

    python -m bot.store.tokens new-key      # print a fresh key
    python -m bot.store.tokens reseal       # re-encrypt stored tokens with the first key
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping, Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.errors import SettingsError

ENV_VAR = "KEYPOINTS_TOKEN_KEYS"
GENERATE_HINT = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)
_FERNET_PREFIX = "gAAAAA"


class UnreadableToken(SettingsError):
    """An encrypted token that none of the configured keys opens."""

    default_message = (
        f"A stored Slack token cannot be decrypted: {ENV_VAR} lacks the key it was encrypted with."
    )
    reason = "token_key"


def is_encrypted(value: str) -> bool:
    """Whether a stored value is a Fernet token (else a plain Slack token from before)."""
    return value.startswith(_FERNET_PREFIX)


class TokenCipher:
    """Encrypts with the first key, decrypts with any; ``keys=()`` stores tokens in plain text."""

    def __init__(self, keys: tuple[str, ...]) -> None:
        fernets = []
        for number, key in enumerate(keys, 1):
            try:
                fernets.append(Fernet(key))
            except ValueError:
                raise SettingsError(
                    f"{ENV_VAR}: key {number} is not a Fernet key (make one with {GENERATE_HINT})"
                ) from None
        self._fernet = MultiFernet(fernets) if fernets else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TokenCipher:
        env = os.environ if env is None else env
        return cls(tuple(k.strip() for k in env.get(ENV_VAR, "").split(",") if k.strip()))

    @property
    def enabled(self) -> bool:
        return self._fernet is not None

    def seal(self, value: str | None) -> str | None:
        """The value to store: encrypted with the first key (as is without keys, or when it is
        already encrypted, so sealing twice is harmless)."""
        if value is None or self._fernet is None or is_encrypted(value):
            return value
        return self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        """The token in a stored value; plain legacy values pass through."""
        if value is None or not is_encrypted(value):
            return value
        if self._fernet is None:
            raise UnreadableToken()
        try:
            return self._fernet.decrypt(value.encode()).decode()
        except InvalidToken:
            raise UnreadableToken() from None

    def reseal(self, value: str | None) -> str | None:
        """The value re-encrypted with the first key (plain legacy values encrypted)."""
        return self.seal(self.open(value)) if self._fernet is not None else value


def main(argv: Sequence[str] | None = None) -> int:
    """``new-key`` prints a key; ``reseal`` re-encrypts the tokens in ``DATABASE_URL``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["new-key"]:
        print(Fernet.generate_key().decode())
        return 0
    if args != ["reseal"]:
        print("usage: python -m bot.store.tokens new-key | reseal", file=sys.stderr)
        return 2
    from bot.store.db import DEFAULT_DATABASE_URL, make_engine
    from bot.store.installations import reseal_tokens

    async def reseal(cipher: TokenCipher) -> int:
        engine = make_engine(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
        try:
            return await reseal_tokens(engine, cipher)
        finally:
            await engine.dispose()

    try:
        cipher = TokenCipher.from_env()
        if not cipher.enabled:
            raise SettingsError(f"{ENV_VAR} is not set: there is no key to encrypt with.")
        count = asyncio.run(reseal(cipher))
    except SettingsError as exc:
        print(f"keypoints: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:  # the database cannot be reached
        print(f"keypoints: cannot reach the database ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(f"re-encrypted the tokens of {count} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
