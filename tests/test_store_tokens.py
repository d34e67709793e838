"""OAuth tokens encrypted at rest with KEYPOINTS_TOKEN_KEYS (issue 16, item 12)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from fakes.stores import BACKENDS, migrated_engine
from slack_sdk.oauth.installation_store.models.installation import Installation
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.errors import SettingsError
from bot.store.installations import (
    EncryptedInstallationStore,
    bots_table,
    installation_store,
    installations_table,
    reseal_tokens,
)
from bot.store.tokens import TokenCipher, UnreadableToken, is_encrypted, main

BOT_TOKEN = "xoxb-1111111111-2222222222222-abcdefghijklmnopqrstuvwx"
# token rotation: a refresh token (and a user token) well past slack-sdk's String(200) once sealed
REFRESH_TOKEN = "xoxe-1-" + "My0xLTExMTExMTExMTEtMjIyMjIyMjIyMjIyMi0zMzMzMzMzMzMz" * 8
LONG_USER_TOKEN = "xoxe.xoxp-1-" + "a1B2c3D4e5F6g7H8i9J0" * 20
USER_TOKEN = "xoxp-1111111111-3333333333-4444444444444-0123456789abcdef0123456789abcdef"
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async for engine in migrated_engine("sqlite", tmp_path / "tokens.db"):
        yield engine


def store(engine: AsyncEngine, *keys: str) -> EncryptedInstallationStore:
    return installation_store("client-1", engine, TokenCipher(keys))


def install(team: str = "T1", bot_token: str = BOT_TOKEN) -> Installation:
    return Installation(
        app_id="A1",
        team_id=team,
        user_id="U1",
        bot_token=bot_token,
        bot_id="B1",
        bot_user_id="UB1",
        user_token=USER_TOKEN,
        installed_at=datetime(2026, 11, 30, tzinfo=UTC).timestamp(),
    )


async def stored_tokens(engine: AsyncEngine) -> list[str | None]:
    """bot token of the installation row, of the bot row, then the user token."""
    columns = (installations_table.c.bot_token, bots_table.c.bot_token)
    async with engine.connect() as conn:
        values = [(await conn.execute(select(c))).scalar_one() for c in columns]
        return [*values, (await conn.execute(select(installations_table.c.user_token))).scalar()]


async def test_round_trip_stores_ciphertext_and_reads_the_token(engine: AsyncEngine) -> None:
    """With a key, the database holds only Fernet tokens; the store reads the plain tokens."""
    await store(engine, NEW).async_save(install())
    stored = await stored_tokens(engine)
    assert all(v and is_encrypted(v) and "xox" not in v for v in stored)
    bot = await store(engine, NEW).async_find_bot(enterprise_id=None, team_id="T1")
    found = await store(engine, NEW).async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U1"
    )
    assert bot is not None and bot.bot_token == BOT_TOKEN
    assert found is not None and (found.bot_token, found.user_token) == (BOT_TOKEN, USER_TOKEN)


@pytest.fixture(params=BACKENDS)
async def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async for engine in migrated_engine(request.param, tmp_path / "tokens.db"):
        yield engine


async def test_long_rotation_tokens_round_trip_encrypted(any_engine: AsyncEngine) -> None:
    """400+-character tokens (rotation refresh tokens) are stored sealed and read back whole."""
    assert len(REFRESH_TOKEN) > 400 and len(LONG_USER_TOKEN) > 400
    installation = Installation(
        app_id="A1",
        team_id="T1",
        user_id="U1",
        bot_token=BOT_TOKEN,
        bot_refresh_token=REFRESH_TOKEN,
        bot_token_expires_in=43200,
        bot_id="B1",
        bot_user_id="UB1",
        user_token=LONG_USER_TOKEN,
        user_refresh_token=REFRESH_TOKEN,
        user_token_expires_in=43200,
        installed_at=datetime(2026, 11, 30, tzinfo=UTC).timestamp(),
    )
    await store(any_engine, NEW).async_save(installation)
    async with any_engine.connect() as conn:
        row = (await conn.execute(select(installations_table))).mappings().one()
    sealed = [row[f] for f in ("bot_refresh_token", "user_token", "user_refresh_token")]
    assert all(is_encrypted(v) and len(v) > 500 for v in sealed)
    found = await store(any_engine, NEW).async_find_installation(
        enterprise_id=None, team_id="T1", user_id="U1"
    )
    assert found is not None
    assert (found.bot_refresh_token, found.user_token, found.user_refresh_token) == (
        REFRESH_TOKEN,
        LONG_USER_TOKEN,
        REFRESH_TOKEN,
    )
    bot = await store(any_engine, NEW).async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_refresh_token == REFRESH_TOKEN


async def test_saving_keeps_the_callers_installation_plain(engine: AsyncEngine) -> None:
    """Sealing works on a copy: bolt's Installation object keeps its usable token."""
    installation = install()
    await store(engine, NEW).async_save(installation)
    assert installation.bot_token == BOT_TOKEN


async def test_rotation_reads_old_rows_and_reseal_moves_them_to_the_new_key(
    engine: AsyncEngine,
) -> None:
    """NEW,OLD reads rows sealed with OLD; after reseal_tokens, NEW alone reads them."""
    await store(engine, OLD).async_save(install())
    rotated = store(engine, NEW, OLD)
    bot = await rotated.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT_TOKEN
    assert await store(engine, NEW).async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await reseal_tokens(engine, TokenCipher((NEW, OLD))) == 2
    bot = await store(engine, NEW).async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT_TOKEN


async def test_plain_legacy_rows_are_read_and_encrypted_on_next_write(
    engine: AsyncEngine,
) -> None:
    """Rows saved before a key was set are read as they are; the next save encrypts them."""
    await store(engine).async_save(install())
    assert (await stored_tokens(engine))[0] == BOT_TOKEN
    keyed = store(engine, NEW)
    bot = await keyed.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT_TOKEN
    await keyed.async_save_bot(bot)  # e.g. a re-install or a token refresh
    async with engine.connect() as conn:
        latest = await conn.execute(
            select(bots_table.c.bot_token).order_by(bots_table.c.id.desc()).limit(1)
        )
        assert is_encrypted(latest.scalar_one())


async def test_wrong_key_is_one_clear_log_line_not_a_traceback(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """A token no configured key opens: one ERROR line naming the setting, workspace unknown."""
    await store(engine, OLD).async_save(install())
    with caplog.at_level(logging.ERROR, logger="bot.store.installations"):
        assert await store(engine, NEW).async_find_bot(enterprise_id=None, team_id="T1") is None
        assert await store(engine).async_find_installation(enterprise_id=None, team_id="T1") is None
    assert [r.exc_info for r in caplog.records] == [None, None]
    assert "KEYPOINTS_TOKEN_KEYS lacks the key" in caplog.records[0].getMessage()
    with pytest.raises(UnreadableToken):
        await reseal_tokens(engine, TokenCipher((NEW,)))


def test_bad_key_in_the_environment_is_a_settings_error() -> None:
    """A malformed key is refused at start-up with the setting named and how to make one."""
    with pytest.raises(SettingsError, match=r"KEYPOINTS_TOKEN_KEYS: key 2 is not a Fernet key"):
        TokenCipher.from_env({"KEYPOINTS_TOKEN_KEYS": f"{NEW}, not-a-key"})
    assert TokenCipher.from_env({"KEYPOINTS_TOKEN_KEYS": f" {NEW} ,{OLD}"}).enabled
    assert not TokenCipher.from_env({}).enabled


def test_no_key_logs_one_warning(engine: AsyncEngine, caplog: pytest.LogCaptureFixture) -> None:
    """Without keys the store keeps today's behaviour and says so once, at WARNING."""
    with caplog.at_level(logging.WARNING, logger="bot.store.installations"):
        installation_store("client-1", engine, TokenCipher(()))
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "plain text" in caplog.records[0].getMessage()


def test_new_key_command_prints_a_usable_key(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bot.store.tokens new-key` prints a key TokenCipher accepts."""
    assert main(["new-key"]) == 0
    assert TokenCipher((capsys.readouterr().out.strip(),)).enabled


def test_reseal_without_a_key_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reseal` with no key configured explains itself in one line and exits 2."""
    monkeypatch.delenv("KEYPOINTS_TOKEN_KEYS", raising=False)
    assert main(["reseal"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
