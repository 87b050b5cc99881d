"""``congress init`` creates the log key; ``congress export`` writes a log's bundle."""

from __future__ import annotations

import hashlib
import io
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

import audit.export as audit_export
from audit.bundle import read_bundle
from audit.checkpoint import open_checkpoint
from audit.keys import load_signer
from audit.note import NoteSigner, NoteVerifier
from audit.store import AuditLog
from audit.tables import ENTRY_TABLE, create_engine_for, init_schema
from audit.verify import Status, verify_bundle
from tests.pdf_samples import tiny_pdf
from voting.cli import main
from voting.congress import Congress
from voting.settings import Settings

ORIGIN = "xinzhou.congress.local/2026-3"


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in its own directory with the default settings."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CONGRESS_DB", raising=False)
    monkeypatch.delenv("CONGRESS_DATA", raising=False)
    return tmp_path / "var"


def init(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["init", "--origin", ORIGIN, *extra])
    out, err = capsys.readouterr()
    return status, out, err


def export(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["export", "--origin", ORIGIN, *extra])
    out, err = capsys.readouterr()
    return status, out, err


def clock() -> datetime:
    return datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def write_log(url: str, signer: NoteSigner, deputies: int, *, checkpoint: bool = True) -> Engine:
    engine = create_engine_for(url)
    init_schema(engine)
    log = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    with log.transaction() as tx:
        tx.append(
            {
                "type": "meeting_opened",
                "meeting": {"id": "m-3", "title": "新洲镇第十七届人大第三次会议"},
                "origin": ORIGIN,
                "log_key": signer.vkey(),
                "roster": [],
                "settings": {},
            }
        )
        if checkpoint:
            tx.sign_checkpoint()
        tx.append_many(
            {"type": "signed_in", "deputy": f"d-{i:02}", "method": "operator", "by": "op"}
            for i in range(deputies)
        )
    return engine


def stored(engine: Engine) -> list[bytes]:
    query = select(ENTRY_TABLE.c.data).where(ENTRY_TABLE.c.log_origin == ORIGIN)
    with engine.connect() as conn:
        return [bytes(data) for data in conn.execute(query.order_by(ENTRY_TABLE.c.seq)).scalars()]


@pytest.fixture
def logged(capsys: pytest.CaptureFixture[str], data_dir: Path) -> Iterator[Engine]:
    """A key made by ``congress init`` and a log of 6 entries in the default database."""
    assert init(capsys)[0] == 0
    signer = load_signer(data_dir / "log-key.pem", ORIGIN)
    engine = write_log(Settings.from_env().database_url, signer, 5)
    yield engine
    engine.dispose()


# Settings ---------------------------------------------------------------------------------------


def test_settings_defaults() -> None:
    assert Settings.from_env({}) == Settings(
        data_dir=Path("var"),
        database_url="sqlite:///var/congress.sqlite",
        log_key_path=Path("var/log-key.pem"),
    )
    assert Settings() == Settings.from_env({"CONGRESS_DB": "", "CONGRESS_DATA": ""})


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env({"CONGRESS_DATA": "/srv/congress"})
    assert settings.database_url == "sqlite:////srv/congress/congress.sqlite"
    assert settings.log_key_path == Path("/srv/congress/log-key.pem")
    url = "postgresql+psycopg://congress@db/congress"
    assert Settings.from_env({"CONGRESS_DB": url}).database_url == url


# init -------------------------------------------------------------------------------------------


def test_init_prints_a_vkey_and_writes_the_key(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    status, out, err = init(capsys)
    assert status == 0
    vkey = out.removesuffix("\n")
    assert out == vkey + "\n" and "\n" not in vkey
    verifier = NoteVerifier.from_vkey(vkey)
    assert verifier.name == ORIGIN
    path = data_dir / "log-key.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_signer(path, ORIGIN).vkey() == vkey
    shown = path.relative_to(data_dir.parent)
    assert err.startswith(f"已创建日志签名密钥 / log signing key created: {shown} (权限 600")
    assert "印入会议记录" in err and "Print it in the minutes" in err


def test_init_writes_the_key_where_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data_dir: Path
) -> None:
    path = tmp_path / "keys" / "meeting-3.pem"
    status, out, _ = init(capsys, "--key", str(path))
    assert status == 0
    assert load_signer(path, ORIGIN).vkey() == out.strip()
    assert not data_dir.exists()


def test_a_second_init_refuses_to_overwrite_the_key(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    assert init(capsys)[0] == 0
    path = data_dir / "log-key.pem"
    before = path.read_bytes()
    status, out, err = init(capsys)
    assert (status, out) == (1, "")
    assert err == (
        f"congress init: 密钥文件 {Path('var/log-key.pem')} 已存在，不会覆盖 / "
        f"key file {Path('var/log-key.pem')} already exists; refusing to overwrite it\n"
    )
    assert path.read_bytes() == before


@pytest.mark.parametrize("origin", ["", "two words", "a+b"])
def test_init_refuses_an_invalid_origin(
    capsys: pytest.CaptureFixture[str], data_dir: Path, origin: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["init", "--origin", origin])
    assert caught.value.code == 2
    assert "argument --origin: 日志名称无效" in capsys.readouterr().err
    assert not data_dir.exists()


# export -----------------------------------------------------------------------------------------


def test_export_writes_the_bundle(
    capsys: pytest.CaptureFixture[str], logged: Engine, tmp_path: Path
) -> None:
    out_dir = tmp_path / "bundle"
    status, out, err = export(capsys, "--out", str(out_dir))
    assert (status, err) == (0, "")
    assert out == (
        f"已导出 6 条日志记录和 2 个签名检查点到 {out_dir} / "
        f"exported 6 entries and 2 checkpoints to {out_dir}\n"
    )
    assert sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")) == [
        "README.txt",
        "checkpoints",
        "checkpoints/0000000001.txt",
        "checkpoints/0000000006.txt",
        "entries.jsonl",
        "log.vkey",
    ]
    lines = (out_dir / "entries.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""
    assert lines[:-1] == stored(logged)
    bundle = read_bundle(out_dir)
    verifier = NoteVerifier.from_vkey(bundle.vkey)
    newest = open_checkpoint(bundle.checkpoints[-1].note, [verifier], origin=ORIGIN)
    assert newest.size == 6


def test_export_with_explicit_database_and_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    key = tmp_path / "k" / "log.pem"
    assert init(capsys, "--key", str(key))[0] == 0
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'meeting.sqlite'}"
    engine = write_log(url, load_signer(key, ORIGIN), 2, checkpoint=False)
    out_dir = tmp_path / "bundle"
    status, out, _ = export(capsys, "--out", str(out_dir), "--db", url, "--key", str(key))
    assert status == 0
    assert out.startswith("已导出 3 条日志记录和 1 个签名检查点到 ")
    assert (out_dir / "entries.jsonl").read_bytes() == b"".join(d + b"\n" for d in stored(engine))
    engine.dispose()


def test_export_reports_progress_on_large_logs(
    capsys: pytest.CaptureFixture[str],
    logged: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(audit_export, "PROGRESS_EVERY", 2)
    status, _, err = export(capsys, "--out", str(tmp_path / "bundle"))
    assert status == 0
    assert err == (
        "已导出 2/6 条 / exported 2 of 6 entries\n"
        "已导出 4/6 条 / exported 4 of 6 entries\n"
        "已导出 6/6 条 / exported 6 of 6 entries\n"
    )


def test_export_refuses_a_non_empty_directory(
    capsys: pytest.CaptureFixture[str], logged: Engine, tmp_path: Path
) -> None:
    out_dir = tmp_path / "bundle"
    out_dir.mkdir()
    (out_dir / "old.txt").write_text("keep")
    status, out, err = export(capsys, "--out", str(out_dir))
    assert (status, out) == (1, "")
    assert err == (
        f"congress export: 输出目录 {out_dir} 不是空目录 / "
        f"output directory {out_dir} exists and is not empty\n"
    )
    assert [p.name for p in out_dir.iterdir()] == ["old.txt"]


def test_export_of_an_unknown_origin_fails(
    capsys: pytest.CaptureFixture[str], logged: Engine, tmp_path: Path, data_dir: Path
) -> None:
    other = "xinzhou.congress.local/2026-4"
    key = tmp_path / "other.pem"
    assert main(["init", "--origin", other, "--key", str(key)]) == 0
    capsys.readouterr()
    out_dir = tmp_path / "bundle"
    status = main(["export", "--origin", other, "--out", str(out_dir), "--key", str(key)])
    assert status == 1
    assert capsys.readouterr().err == (
        f"congress export: 数据库中没有名为 {other} 的日志 / "
        f"the database holds no log named {other}\n"
    )
    assert not out_dir.exists()


def test_export_without_a_database_fails_and_creates_none(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    assert init(capsys)[0] == 0
    status, _, err = export(capsys, "--out", str(tmp_path / "bundle"))
    database = Path("var/congress.sqlite")
    assert status == 1
    assert err == (
        f"congress export: 数据库文件 {database} 不存在 / database file {database} not found\n"
    )
    assert not (data_dir / "congress.sqlite").exists()


def test_export_with_a_group_readable_key_fails(
    capsys: pytest.CaptureFixture[str], logged: Engine, data_dir: Path, tmp_path: Path
) -> None:
    (data_dir / "log-key.pem").chmod(0o640)
    status, _, err = export(capsys, "--out", str(tmp_path / "bundle"))
    key = Path("var/log-key.pem")
    assert status == 1
    assert err == (
        f"congress export: 日志签名密钥 {key} 的权限过宽，请执行 chmod 600 {key} / "
        f"log signing key {key} has mode 0640: group or others may access it; "
        f"restrict it with `chmod 600 {key}`\n"
    )


def test_export_with_the_wrong_key_fails(
    capsys: pytest.CaptureFixture[str], logged: Engine, tmp_path: Path
) -> None:
    key = tmp_path / "other.pem"
    assert init(capsys, "--key", str(key))[0] == 0
    out_dir = tmp_path / "bundle"
    status, _, err = export(capsys, "--out", str(out_dir), "--key", str(key))
    assert status == 1
    assert err.startswith(
        f"congress export: 数据库中的审计日志已损坏 / log {ORIGIN}: the checkpoint of size 1 "
        "does not verify under the log key "
    )
    assert not out_dir.exists()


def test_export_of_a_database_without_audit_tables_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert init(capsys)[0] == 0
    database = tmp_path / "empty.sqlite"
    create_engine_for(f"sqlite:///{database}").dispose()
    with create_engine_for(f"sqlite:///{database}").connect() as conn:
        conn.exec_driver_sql("CREATE TABLE unrelated (id INTEGER)")
        conn.commit()
    status, _, err = export(capsys, "--out", str(tmp_path / "b"), "--db", f"sqlite:///{database}")
    assert status == 1
    assert err == (
        f"congress export: 数据库 sqlite:///{database} 中没有审计日志 / "
        f"database sqlite:///{database} holds no audit log tables\n"
    )


def test_init_creates_the_first_administrator(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    assert main(["init", "--origin", ORIGIN, "--admin", "chair"]) == 0
    assert "已创建管理员账户 / administrator account created: chair" in capsys.readouterr().err
    congress = Congress(
        engine=create_engine_for(Settings.from_env().database_url),
        signer_for=lambda origin: load_signer(Settings.from_env().log_key_path, origin),
        clock=lambda: datetime(2026, 3, 1, tzinfo=UTC),
    )
    _token, role = congress.login("chair", "a-long-password")
    assert role == "admin"


def test_init_refuses_a_short_administrator_password(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["init", "--origin", ORIGIN, "--admin", "chair"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == (
        "congress init: 无法创建管理员账户：密码至少需要8个字符 / "
        "the password needs at least 8 characters"
    )


def test_export_carries_the_logged_documents(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    """The bundle holds each document a ``document_added`` entry logs, from the data
    directory's documents folder; check 3 hashes it against its entry."""
    assert init(capsys)[0] == 0
    signer = load_signer(data_dir / "log-key.pem", ORIGIN)
    engine = write_log(Settings.from_env().database_url, signer, 1)
    pdf = tiny_pdf("Budget")
    sha = hashlib.sha256(pdf).hexdigest()
    log = AuditLog.open(engine, origin=ORIGIN, signer=signer, clock=clock)
    with log.transaction() as tx:
        tx.append(
            {
                "type": "document_added",
                "item": "i02",
                "title": "财政预算",
                "filename": "budget.pdf",
                "size": len(pdf),
                "sha256": sha,
                "by": "chair",
            }
        )
    engine.dispose()
    missing, _, err = export(capsys, "--out", str(tmp_path / "first"))
    assert missing == 1
    assert f"document {sha} is logged but not stored in {Path('var') / 'documents'}" in err
    (data_dir / "documents").mkdir()
    (data_dir / "documents" / f"{sha}.pdf").write_bytes(pdf)
    out_dir = tmp_path / "bundle"
    assert export(capsys, "--out", str(out_dir))[0] == 0
    assert (out_dir / "documents" / f"{sha}.pdf").read_bytes() == pdf
    report = verify_bundle(out_dir, vkey=signer.vkey())
    assert report.checks[3].status is Status.PASSED
    assert report.checks[3].detail.endswith("; 1 documents")
