"""Attachments: what a file is comes from its bytes, not its name; only those who may see personal
data download it (403 for the rest, 404 for another bureau's or unit's); every upload and download
is in the activity log; a backup carries the files, and a restore brings them back byte for byte."""

import datetime
import hashlib
import io
import json
import tarfile
import zipfile
from urllib.parse import quote

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image

from accounts import roles
from cases.attachments.storage import attachment_storage
from cases.models import Attachment, AuditEntry, Bureau, PetitionCase, Unit
from tests.cases.test_backup import restore_migration_rows  # noqa: F401 (a fixture)
from tests.conftest import _user

D = datetime.date(2024, 3, 1)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
HTML = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def docx(*, document=True, macro=False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if document:
            z.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        if macro:
            z.writestr("word/vbaProject.bin", b"\x00" * 100)
    return out.getvalue()


@pytest.fixture(autouse=True)
def store(settings, tmp_path):
    """Attachments in a folder of the test's own."""
    root = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def make_case(bureau, number, unit):
    return PetitionCase.objects.create(
        bureau=bureau,
        number=number,
        received_on=D,
        channel="letter",
        petitioner_name="张三",
        category="claim",
        responsible_unit=unit,
    )


@pytest.fixture
def world(bureau, unit):
    other = Bureau.objects.create(name="乙县信访局", county="乙县")
    other_unit_here = Unit.objects.get(bureau=bureau, name="太行街道")
    return {
        "case": make_case(bureau, "甲-1", unit),
        "clerk": _user("clerk", roles.CLERK, bureau),
        "head": _user("head", roles.HEAD, bureau),
        "staff": _user("staff", roles.STAFF, bureau),
        "unit": _user("uma", roles.UNIT, bureau, unit),
        "other-unit": _user("olga", roles.UNIT, bureau, other_unit_here),
        "other-clerk": _user("bob", roles.CLERK, other),
    }


def upload(client, case, name, data, stage="registered", content_type="application/pdf"):
    url = reverse("attachments:upload", args=[case.pk])
    return client.post(url, {"stage": stage, "file": SimpleUploadedFile(name, data, content_type=content_type)})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_a_png_named_pdf_is_stored_as_the_png_it_is(client, world, store):
    client.force_login(world["clerk"])
    data = image("PNG")
    response = upload(client, world["case"], "张三的来信.pdf", data)
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "张三的来信.pdf"
    assert attachment.size == len(data) and attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.uploaded_by == world["clerk"] and attachment.stage == "registered"
    # On disk: a random name with the extension of what the bytes are, never the user's name.
    assert attachment.file.name.endswith(".png") and "张三" not in attachment.file.name
    stored = store / attachment.file.name
    assert stored.read_bytes() == data
    assert len(stored.name) == 32 + len(".png")


@pytest.mark.parametrize(
    ("name", "data"),
    [("来信.pdf", EXE), ("来信.pdf", HTML), ("照片.jpg", b"GIF89a" + b"\x00" * 40), ("回复.docx", b"PK\x03\x04junk")],
)
def test_a_file_lying_about_its_type_is_refused_and_nothing_is_stored(client, world, store, name, data):
    client.force_login(world["clerk"])
    response = upload(client, world["case"], name, data)
    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    assert not store.exists() or not any(p.is_file() for p in store.rglob("*"))
    [message] = messages_of(response)
    assert message.startswith("附件未上传：")
    assert "PDF、JPEG、PNG、DOCX" in message or "Word（.docx）" in message
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ATTACHMENT_UPLOADED).count() == 0


def test_an_oversize_file_is_refused(client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    client.force_login(world["clerk"])
    response = upload(client, world["case"], "扫描件.pdf", PDF + b"0" * 1000)
    assert Attachment.objects.count() == 0
    assert messages_of(response) == ["附件未上传：文件过大（0.0 MB），附件上限为 0.0 MB。"]
    assert upload(client, world["case"], "扫描件.pdf", PDF).status_code == 302
    assert Attachment.objects.count() == 1


def test_an_empty_file_and_a_missing_file_are_refused(client, world):
    client.force_login(world["clerk"])
    response = upload(client, world["case"], "空.pdf", b"")
    assert messages_of(response) == ["附件未上传：文件是空的。"]
    client.get(reverse("admin:cases_petitioncase_change", args=[world["case"].pk]))  # the message shown
    url = reverse("attachments:upload", args=[world["case"].pk])
    missing = client.post(url, {"stage": "registered"})
    assert messages_of(missing) == ["附件未上传：请选择要上传的文件。"]
    assert Attachment.objects.count() == 0


def test_docx_must_hold_a_word_document_and_no_macros(client, world):
    client.force_login(world["clerk"])
    response = upload(client, world["case"], "意见书.docx", docx(document=False))
    assert Attachment.objects.count() == 0
    assert "word/document.xml" in messages_of(response)[-1]
    response = upload(client, world["case"], "意见书.docx", docx(macro=True))
    assert Attachment.objects.count() == 0
    assert "宏" in messages_of(response)[-1]
    upload(client, world["case"], "意见书.docx", docx())
    assert Attachment.objects.get().content_type.endswith("wordprocessingml.document")


def test_a_docx_zip_bomb_is_refused(client, world):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>" + " " * (300 * 1024 * 1024))
    client.force_login(world["clerk"])
    response = upload(client, world["case"], "意见书.docx", out.getvalue())
    assert Attachment.objects.count() == 0
    assert "压缩炸弹" in messages_of(response)[0]


def test_an_unknown_stage_is_refused(client, world):
    client.force_login(world["clerk"])
    response = upload(client, world["case"], "来信.pdf", PDF, stage="whatever")
    assert Attachment.objects.count() == 0
    assert messages_of(response) == ["附件未上传：请选择有效的办理环节。"]


@pytest.fixture
def stored(client, world):
    """A JPEG with a Chinese name, uploaded by the case's unit officer."""
    data = image("JPEG")
    client.force_login(world["unit"])
    upload(client, world["case"], "处理意见书 张三.jpg", data, stage="replied", content_type="image/jpeg")
    client.logout()
    return Attachment.objects.get(), data


@pytest.mark.parametrize(("who", "status"), [("head", 403), ("staff", 403), ("other-clerk", 404), ("other-unit", 404)])
def test_download_is_refused_or_not_found(client, world, stored, who, status):
    attachment, _data = stored
    client.force_login(world[who])
    assert client.get(reverse("attachments:download", args=[attachment.pk])).status_code == status
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ATTACHMENT_DOWNLOADED).exists()


def test_a_number_never_used_is_answered_as_another_bureaus(client, world, stored):
    client.force_login(world["other-clerk"])
    attachment, _data = stored
    theirs = client.get(reverse("attachments:download", args=[attachment.pk]))
    missing = client.get(reverse("attachments:download", args=[attachment.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404


@pytest.mark.parametrize("who", ["clerk", "unit"])
def test_download_gives_the_exact_bytes_to_the_clerk_and_the_cases_unit(client, world, stored, who):
    attachment, data = stored
    client.force_login(world[who])
    response = client.get(reverse("attachments:download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=utf-8''{quote('处理意见书 张三.jpg')}" in disposition
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ATTACHMENT_DOWNLOADED)
    assert entry.user == world[who] and entry.object_id == world["case"].pk
    assert entry.content_type == ContentType.objects.get_for_model(PetitionCase)
    assert entry.detail.startswith(f"附件{attachment.pk}（答复，JPEG，{len(data)} 字节")


def test_the_upload_is_logged_on_the_case_without_the_file_name(world, stored):
    attachment, data = stored
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ATTACHMENT_UPLOADED)
    assert entry.user == world["unit"] and entry.object_id == world["case"].pk
    assert entry.bureau_id == world["case"].bureau_id
    assert entry.detail == (
        f"附件{attachment.pk}（答复，JPEG，{len(data)} 字节，SHA-256 {hashlib.sha256(data).hexdigest()[:16]}）"
    )
    assert "张三" not in entry.detail


@pytest.mark.parametrize(("who", "status"), [("head", 403), ("staff", 403), ("other-clerk", 404), ("other-unit", 404)])
def test_upload_is_refused_or_not_found(client, world, who, status):
    client.force_login(world[who])
    assert upload(client, world["case"], "来信.pdf", PDF).status_code == status
    assert Attachment.objects.count() == 0


def test_upload_answers_get_with_405_and_returns_to_the_page_it_came_from(client, world):
    client.force_login(world["clerk"])
    url = reverse("attachments:upload", args=[world["case"].pk])
    assert client.get(url).status_code == 405
    page = reverse("admin:cases_petitioncase_change", args=[world["case"].pk])
    response = client.post(url, {"stage": "", "next": page, "file": SimpleUploadedFile("a.pdf", PDF)})
    assert response["Location"] == page
    evil = client.post(url, {"stage": "", "next": "https://evil.example/", "file": SimpleUploadedFile("a.pdf", PDF)})
    assert evil["Location"] == page  # not followed off the site: the case's own page


def test_the_case_page_lists_attachments_names_only_for_those_who_may_see_them(client, world, stored):
    attachment, _data = stored
    page = reverse("admin:cases_petitioncase_change", args=[world["case"].pk])
    client.force_login(world["clerk"])
    html = client.get(page).content.decode()
    assert reverse("attachments:download", args=[attachment.pk]) in html
    assert "处理意见书 张三.jpg" in html and 'enctype="multipart/form-data"' in html
    client.force_login(world["head"])
    html = client.get(page).content.decode()
    assert "处理意见书 张三.jpg" not in html and f"附件{attachment.pk}" in html
    assert reverse("attachments:download", args=[attachment.pk]) not in html
    assert reverse("attachments:upload", args=[world["case"].pk]) not in html


# ---------------------------------------------------------------- the unit's reply with its 处理意见书


def test_the_units_reply_takes_its_opinion_document(client, world, monkeypatch):
    monkeypatch.setattr("cases.desk.views.local_today", lambda: datetime.date(2024, 3, 10))
    case = world["case"]
    case.unit_accepted_on = datetime.date(2024, 3, 5)
    case.save()
    client.force_login(world["unit"])
    url = reverse("cases:desk_reply", args=[case.pk])
    refused = client.post(url, {"reply": "经核实，予以支持。", "file": SimpleUploadedFile("意见书.pdf", HTML)})
    case.refresh_from_db()
    assert case.unit_replied_on is None and Attachment.objects.count() == 0
    assert messages_of(refused)[0].startswith("处理意见未提交：附件文件内容不是允许的类型")

    data = docx()
    client.post(url, {"reply": "经核实，予以支持。", "file": SimpleUploadedFile("意见书.docx", data)})
    case.refresh_from_db()
    assert case.unit_replied_on == datetime.date(2024, 3, 10) and case.unit_reply == "经核实，予以支持。"
    attachment = Attachment.objects.get()
    assert (attachment.stage, attachment.case_id, attachment.size) == ("replied", case.pk, len(data))
    html = client.get(reverse("cases:desk_case", args=[case.pk])).content.decode()
    assert "意见书.docx" in html and reverse("attachments:download", args=[attachment.pk]) in html


def test_the_reply_without_a_file_works_as_before(client, world, monkeypatch):
    monkeypatch.setattr("cases.desk.views.local_today", lambda: datetime.date(2024, 3, 10))
    case = world["case"]
    case.unit_accepted_on = datetime.date(2024, 3, 5)
    case.save()
    client.force_login(world["unit"])
    client.post(reverse("cases:desk_reply", args=[case.pk]), {"reply": "已答复。"})
    case.refresh_from_db()
    assert case.unit_reply == "已答复。" and Attachment.objects.count() == 0


# ---------------------------------------------------------------- backups


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_the_files_back_byte_equal(client, world, store, tmp_path):
    client.force_login(world["clerk"])
    files = {"来信.pdf": PDF, "照片.png": image("PNG"), "意见书.docx": docx()}
    for name, data in files.items():
        upload(client, world["case"], name, data)
    path = tmp_path / "backups" / "b.backup"
    call_command("backup_data", "--output", str(path))
    manifest = json.loads((tmp_path / "backups" / "b.backup.manifest.json").read_text())
    archive = tmp_path / "backups" / "b.backup.attachments.tar"
    assert manifest["attachments"]["count"] == 3 and manifest["attachments"]["file"] == archive.name
    assert manifest["attachments"]["sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()

    # Lost and damaged after the backup: one file deleted, one overwritten, one row gone.
    rows = list(Attachment.objects.order_by("pk"))
    storage = attachment_storage()
    storage.delete(rows[0].file.name)
    (store / rows[1].file.name).write_bytes(b"damaged")
    Attachment.objects.filter(pk=rows[2].pk).delete()

    call_command("restore_data", str(path), "--yes")
    restored = {a.original_name: a for a in Attachment.objects.all()}
    assert set(restored) == set(files)
    for name, data in files.items():
        with storage.open(restored[name].file.name, "rb") as f:
            assert f.read() == data, name
        assert restored[name].sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.django_db(transaction=True)
def test_a_damaged_attachments_archive_is_refused_and_nothing_changes(client, world, tmp_path):
    client.force_login(world["clerk"])
    upload(client, world["case"], "来信.pdf", PDF)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    archive = tmp_path / "b.backup.attachments.tar"
    data = bytearray(archive.read_bytes())
    data[700] ^= 0xFF  # inside the first file's bytes
    archive.write_bytes(bytes(data))
    PetitionCase.objects.create(
        bureau=world["case"].bureau,
        number="甲-2",
        received_on=D,
        channel="visit",
        petitioner_name="李四",
        category="claim",
    )
    with pytest.raises(CommandError, match="附件备份 文件的 SHA-256 与清单不符"):
        call_command("restore_data", str(path), "--yes")
    assert PetitionCase.objects.filter(number="甲-2").exists()  # the database was not replaced


@pytest.mark.django_db(transaction=True)
def test_an_archive_whose_file_does_not_match_its_index_is_refused(client, world, tmp_path):
    """Even re-signed by someone holding the key: the index inside is checked file by file."""
    from cases.backup import sign_manifest

    client.force_login(world["clerk"])
    upload(client, world["case"], "来信.pdf", PDF)
    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    archive = tmp_path / "b.backup.attachments.tar"
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar]
    with tarfile.open(archive, "w") as tar:
        for member, content in members:
            if member.name.startswith("files/"):
                content = content.replace(b"1.4", b"1.7")
            tar.addfile(member, io.BytesIO(content))
    manifest_path = tmp_path / "b.backup.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    blob = archive.read_bytes()
    manifest["attachments"].update(size=len(blob), sha256=hashlib.sha256(blob).hexdigest())
    manifest_path.write_text(json.dumps(sign_manifest(manifest)))
    with pytest.raises(CommandError, match="校验值不符"):
        call_command("restore_data", str(path), "--yes")


@pytest.mark.django_db(transaction=True)
def test_a_backup_without_attachments_writes_no_archive(bureau, tmp_path):
    call_command("backup_data", "--output", str(tmp_path / "b.backup"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.")) == [
        "b.backup",
        "b.backup.manifest.json",
    ]
    assert "attachments" not in json.loads((tmp_path / "b.backup.manifest.json").read_text())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("restore_migration_rows")
def test_a_backup_from_before_the_notices_app_is_restored(bureau, tmp_path):
    """An app added since (notices) has no migration rows in an older backup: restored, and
    `migrate` advised, not refused as another product's database."""
    import sqlite3

    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("edits a SQLite backup file")
    from cases.backup import sign_manifest

    path = tmp_path / "b.backup"
    call_command("backup_data", "--output", str(path))
    db = sqlite3.connect(path)
    # notices' own migrations and the roles' re-syncs that came after it (accounts 0004, 0005)
    # (accounts 0004 onwards: each later re-sync is newer than the notices app too).
    gone = db.execute(
        "DELETE FROM django_migrations WHERE app = 'notices' OR (app = 'accounts' AND name >= '0004')"
    ).rowcount
    db.commit()
    assert gone >= 4
    db.close()
    manifest_path = tmp_path / "b.backup.manifest.json"
    data = path.read_bytes()
    manifest = {**json.loads(manifest_path.read_text()), "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    manifest_path.write_text(json.dumps(sign_manifest(manifest)))
    out = io.StringIO()
    call_command("restore_data", str(path), "--yes", stdout=out)
    assert f"备份的数据结构早于当前代码（还差 {gone} 个迁移" in out.getvalue()


def test_a_file_name_is_kept_as_text_never_as_a_path(client, world, store):
    client.force_login(world["clerk"])
    upload(client, world["case"], "../../etc/来信\x07\x1b.pdf", PDF)
    upload(client, world["case"], "C:\\Users\\张三\\扫描件.pdf", PDF)
    upload(client, world["case"], "长" * 300 + ".pdf", PDF)
    names = list(Attachment.objects.order_by("pk").values_list("original_name", "file"))
    assert [n for n, _f in names] == ["来信.pdf", "扫描件.pdf", "长" * 196 + ".pdf"]
    for _name, path in names:
        assert (store / path).resolve().is_relative_to(store.resolve())
        assert path.startswith(f"{world['case'].bureau_id}/")
