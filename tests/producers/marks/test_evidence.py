"""Evidence files: only PDFs and JPEG, PNG or WebP photos that are what they claim, under the size cap;
refused beside the field with the answers kept and nothing saved; served only to staff and the
community's own members, never from the public media URL."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from producers.marks import evidence
from producers.marks.models import MarkApplication
from shop.media import MediaStorage
from tests.conftest import csrf_token, login_as
from tests.factories.marks import make_application, pdf, png
from tests.helpers import fresh
from tests.producers.marks.conftest import Mark, stored_files


def post_files(client: FlaskClient, mark: Mark, application_id: int, files: list[tuple[bytes, str]]) -> str:
    page = f"/workspace/zenklas/paraiskos/{application_id}"
    first = mark.version.criteria[0]
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, page),
        "acting_for": mark.community.id,
        f"answer_{first.id}": "Mūsų atsakymas, kurį reikia išlaikyti",
        f"evidence_{first.id}": [(io.BytesIO(content), name) for content, name in files],
        "submit_application": "0",
    }
    response = client.post(page, data=data, content_type="multipart/form-data")
    return f"{response.status_code} {response.get_data(as_text=True)}"


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "words"),
    [
        (b"<html><script>alert(1)</script></html>", "ataskaita.pdf", "priimami tik PDF"),
        (gif(), "nuotrauka.gif", "priimami tik PDF"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "logo.png", "priimami tik PDF"),
        (png(), "protokolas.pdf", "pavadinimas nurodo vienos rūšies failą"),
        (pdf(), "protokolas.jpg", "pavadinimas nurodo vienos rūšies failą"),
        (pdf()[:-10] + b"/JavaScript (app.alert(1))\n%%EOF\n", "protokolas.pdf", "priimami tik PDF"),
        (b"%PDF-1.4 truncated", "protokolas.pdf", "priimami tik PDF"),
        (b"", "tuscias.pdf", "failas tuščias"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_beside_its_field_and_nothing_is_saved(
    client: FlaskClient, mark: Mark, content: bytes, name: str, words: str
) -> None:
    application = make_application(mark.community, mark.member, submit=False, files=False)
    before = stored_files(mark)
    login_as(client, "pagiriai@example.org")
    answer = post_files(client, mark, application.id, [(png("geras"), "geras.png"), (content, name)])
    assert answer.startswith("400 "), answer[:200]
    assert words in answer
    assert 'aria-describedby="evidence_' in answer and "error-text" in answer  # beside the file field
    assert "Mūsų atsakymas, kurį reikia išlaikyti" in answer  # what was typed is shown again
    saved = fresh(MarkApplication, application.id)
    assert saved.evidence == [] and saved.answer_to(mark.version.criteria[0].id) == "Atsakymas į 1"
    assert stored_files(mark) == before


def test_when_the_file_storage_does_not_answer_the_member_is_told_and_nothing_is_saved(
    silent_s3: str, client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member, submit=False, files=False)
    login_as(client, "pagiriai@example.org")
    answer = post_files(client, mark, application.id, [(pdf(), "protokolas.pdf"), (png(), "klubas.png")])
    assert answer.startswith("503 "), answer[:200]
    assert "Failų saugykla neatsako: niekas neišsaugota." in answer
    assert "Mūsų atsakymas, kurį reikia išlaikyti" in answer  # what was typed is shown again
    saved = fresh(MarkApplication, application.id)
    assert saved.evidence == [] and saved.answer_to(mark.version.criteria[0].id) == "Atsakymas į 1"


def test_a_file_over_the_cap_is_refused(
    app: Flask, client: FlaskClient, mark: Mark, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MARK_EVIDENCE_MAX_BYTES", 2000)
    application = make_application(mark.community, mark.member, submit=False, files=False)
    login_as(client, "pagiriai@example.org")
    big = png("didelis") + b"\0" * 2000
    answer = post_files(client, mark, application.id, [(big, "didelis.png")])
    assert answer.startswith("400 ") and "didesnis už leidžiamą dydį" in answer
    assert fresh(MarkApplication, application.id).evidence == []


def test_files_past_the_applications_limit_are_refused_before_any_is_opened(
    app: Flask, client: FlaskClient, mark: Mark, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "MARK_EVIDENCE_FILES", 2)
    application = make_application(mark.community, mark.member, submit=False, files=False)
    login_as(client, "pagiriai@example.org")
    assert post_files(client, mark, application.id, [(png("pirmas"), "pirmas.png")]).startswith("302 ")
    # two more: past the limit, refused for that, though the second is not even a photo
    answer = post_files(client, mark, application.id, [(png("antras"), "antras.png"), (gif(), "blogas.gif")])
    assert answer.startswith("400 ") and "paraiškoje jau yra tiek failų, kiek leidžiama" in answer
    assert "priimami tik PDF" not in answer
    assert [e.original_name for e in fresh(MarkApplication, application.id).evidence] == ["pirmas.png"]


def test_good_files_are_kept_under_random_names_with_their_names_cleaned(
    media_storage: MediaStorage, client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member, submit=False, files=False)
    login_as(client, "pagiriai@example.org")
    answer = post_files(
        client, mark, application.id, [(pdf(), "../../etc/Protokolas <1>.pdf"), (png(), "a.PNG")]
    )
    assert answer.startswith("302 "), answer[:300]
    kept = fresh(MarkApplication, application.id).evidence
    assert sorted(e.original_name for e in kept) == ["Protokolas 1.pdf", "a.PNG"]
    assert {e.content_type for e in kept} == {"application/pdf", "image/png"}
    for item in kept:
        assert len(item.stored_name.split(".")[0]) == 32 and item.stored_name in stored_files(mark)


def test_only_staff_and_the_communitys_members_open_a_file(
    media_storage: MediaStorage, client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member)
    photo, document = application.evidence
    # another community's member, by URL: not found, in the workspace and the back office alike
    login_as(client, "krakes@example.org")
    assert client.get(f"/workspace/zenklas/irodymai/{document.id}").status_code == 404
    assert client.get(f"/backoffice/zenklas/irodymai/{document.id}").status_code == 403
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/")})
    # never from the public media URL
    assert client.get(f"/media/{document.stored_name}").status_code == 404
    # the community's own member
    login_as(client, "pagiriai@example.org")
    own = client.get(f"/workspace/zenklas/irodymai/{document.id}")
    assert own.status_code == 200 and own.data == pdf()
    assert own.headers["Content-Type"] == "application/pdf"
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in own.headers["Cache-Control"]
    image = client.get(f"/workspace/zenklas/irodymai/{photo.id}")
    assert image.headers["Content-Type"] == "image/png" and image.headers["Content-Disposition"].startswith(
        "inline"
    )
    client.post("/atsijungti", data={"csrf_token": csrf_token(client, "/workspace/")})
    # staff
    login_as(client, "vida@vvg.example.org")
    staff = client.get(f"/backoffice/zenklas/irodymai/{document.id}")
    assert staff.status_code == 200 and staff.data == pdf()
    assert client.get("/backoffice/zenklas/irodymai/2147483647").status_code == 404


def test_another_communitys_member_cannot_remove_a_file(
    media_storage: MediaStorage, client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member, submit=False)
    item = application.evidence[0]
    login_as(client, "krakes@example.org")
    token = csrf_token(client, "/workspace/zenklas")
    response = client.post(
        f"/workspace/zenklas/irodymai/{item.id}/salinti",
        data={"csrf_token": token, "acting_for": mark.other.id},
    )
    assert response.status_code == 404
    assert len(fresh(MarkApplication, application.id).evidence) == 2
    assert item.stored_name in stored_files(mark)


def test_a_member_removes_a_file_while_the_application_is_a_draft(
    media_storage: MediaStorage, client: FlaskClient, mark: Mark
) -> None:
    application = make_application(mark.community, mark.member, submit=False)
    item_id, stored = application.evidence[0].id, application.evidence[0].stored_name
    login_as(client, "pagiriai@example.org")
    token = csrf_token(client, f"/workspace/zenklas/paraiskos/{application.id}")
    response = client.post(
        f"/workspace/zenklas/irodymai/{item_id}/salinti",
        data={"csrf_token": token, "acting_for": mark.community.id},
    )
    assert response.status_code == 302
    assert len(fresh(MarkApplication, application.id).evidence) == 1
    assert stored not in stored_files(mark)


@pytest.mark.parametrize(
    ("name", "shown"),
    [("C:\\Users\\Ona\\protokolas.pdf", "protokolas.pdf"), ("\x07 .pdf", "pdf"), ("ą" * 300 + ".pdf", None)],
)
def test_uploaded_names_are_made_safe_to_show(name: str, shown: str | None) -> None:
    cleaned = evidence.sanitised_name(name)
    assert len(cleaned) <= 120 and "\\" not in cleaned and "/" not in cleaned
    if shown is not None:
        assert cleaned == shown
    else:
        assert cleaned.endswith(".pdf")


def test_detect_reads_the_content_not_the_name() -> None:
    assert evidence.detect(pdf()) == ("application/pdf", "pdf")
    assert evidence.detect(png()) == ("image/png", "png")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "WEBP")
    assert evidence.detect(out.getvalue()) == ("image/webp", "webp")
    assert evidence.detect(b"GIF89a") is None


def test_the_demo_pdf_parses(app: Flask) -> None:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(pdf("Protokolas")))
    assert "Protokolas" in reader.pages[0].extract_text()
