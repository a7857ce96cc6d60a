"""Importing the catalogues from CSV and XLSX: all rows or none, row-by-row errors, updates by external_id."""
from __future__ import annotations

import io

from openpyxl import Workbook

from core.toolkit import db

HEADER = "external_id,title,description,organisation,region,fields,sdgs,target_groups,offers,needs,maturity,contact_email\n"


def _multipart(fields: dict, data: bytes, filename: str, boundary="matchmaking-test") -> bytes:
    """A form post as bytes, as a browser sends it (the test client would spool a large file to disk and leave it open)."""
    parts = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                     for name, value in fields.items())
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return parts + head + data + f"\r\n--{boundary}--\r\n".encode()


def _upload(client, w, kind, data: bytes, filename="katalog.csv"):
    body = _multipart({"csrf_token": client.csrf_token(), "kind": kind}, data, filename)
    return client.post(f"{w.base}/organisers/import", data=body, content_type="multipart/form-data; boundary=matchmaking-test")


def _count(app, model_name):
    from plugins.matchmaking import models

    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(getattr(models, model_name)))


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_csv_import_creates_and_reimport_updates(world, login):
    from plugins.matchmaking.models import Initiative, Organisation

    w = world()
    organiser = login(w.app, w.people.initiator)
    csv_text = HEADER + (
        'ini-1,Tablet-Treff,"Wöchentlicher Treff; mit Kaffee",Neue Initiative e. V.,03;05315000,Digitale Teilhabe;Ehrenamt,'
        "SDG 4;10,seniors;Familien,training,pilot_site;Daten,pilot,info@neu.example\n"
        "ini-2,Reparaturcafé,Wir reparieren gemeinsam.,Neue Initiative e. V.,bundesweit,,12,,,,Prototyp,\n"
    )
    done = _upload(organiser, w, "initiatives", csv_text.encode())
    assert done.status_code == 302
    assert "2 new, 0 updated" in organiser.get(done.headers["Location"]).get_data(as_text=True)
    with w.app.app_context():
        first = db.session.scalar(db.select(Initiative).where(Initiative.external_id == "ini-1"))
        assert first.regions == ["03", "05315000"] and first.sdgs == {4, 10} and first.needs == {"pilot_site", "data"}
        assert first.target_groups == {"seniors", "families"} and first.maturity == "pilot"
        assert {f.name for f in first.fields} == {"Digitale Teilhabe", "Ehrenamt"}
        org = db.session.scalar(db.select(Organisation).where(Organisation.name == "Neue Initiative e. V."))
        assert org.contact_email == "info@neu.example" and org.is_verified
    again = HEADER + "ini-1,Tablet-Treff am Markt,Jetzt zweimal pro Woche.,Neue Initiative e. V.,03,,,,,,scaling,\n"
    assert _upload(organiser, w, "initiatives", again.encode()).status_code == 302
    with w.app.app_context():
        updated = db.session.scalar(db.select(Initiative).where(Initiative.external_id == "ini-1"))
        assert updated.name == "Tablet-Treff am Markt" and updated.maturity == "scaling"
    assert _count(w.app, "Initiative") == 3  # the world's one and the two imported, none duplicated
    # The search index follows the import.
    assert "Tablet-Treff am Markt" in organiser.get(f"{w.base}/initiatives?q=zweimal+Woche").get_data(as_text=True)


def test_xlsx_import_and_semicolon_csv(world, login):
    w = world()
    organiser = login(w.app, w.people.initiator)
    book = _xlsx([["title", "description", "organisation", "region", "sdgs", "status", "offers"],
                  ["Wie können wir Radwege planen?", "Mit Bürgerdaten.", "Stadt Celle", "03351006", 11, "talks", "data; funding"]])
    assert _upload(organiser, w, "challenges", book, "liste.xlsx").status_code == 302
    semicolons = "title;description;organisation\nWie können wir Bänke aufstellen?;Am Markt.;Stadt Celle\n"
    assert _upload(organiser, w, "challenges", semicolons.encode("utf-8-sig")).status_code == 302
    assert _count(w.app, "Challenge") == 3


def test_a_bad_file_is_refused_row_by_row_and_stores_nothing(world, login):
    w = world()
    organiser = login(w.app, w.people.initiator)
    bad = HEADER + (
        "c-1,Gute Zeile,Alles fein.,Stadt Celle,03,,,,,,,\n"
        "c-2,,Ohne Titel,Stadt Celle,03,,,,,,,\n"
        "c-3,Falsche Region,Text,Stadt Celle,Atlantis,,,,,,,\n"
        "c-4,Falsche Ziele,Text,Stadt Celle,03,,SDG 42,Aliens,,,,keine-mail\n"
        "c-1,Doppelt,Text,Stadt Celle,03,,,,,,,\n"
    )
    bad = bad.replace(HEADER, HEADER.replace("contact_email", "contact_email,website"))
    bad = bad.replace("Alles fein.,Stadt Celle,03,,,,,,,", "Alles fein.,Stadt Celle,03,,,,,,,,javascript:alert(1)")
    response = _upload(organiser, w, "challenges", bad.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported." in page
    for expected in ("Row 3: title is empty.", "Row 4: &#34;Atlantis&#34; is not a municipal key",
                     "Row 5, column sdgs: unknown value(s) &#34;SDG 42&#34;", "Row 5, column target_groups",
                     "Row 5: &#34;keine-mail&#34; is not an e-mail address", "Row 6: external_id &#34;c-1&#34; was used in row 2",
                     "Row 2: the website must start with https://"):
        assert expected in page, expected
    assert _count(w.app, "Challenge") == 1 and _count(w.app, "Organisation") == 3


def test_wrong_columns_broken_encodings_and_nonsense_are_refused_clearly(world, login):
    w = world()
    organiser = login(w.app, w.people.initiator)
    wrong = _upload(organiser, w, "challenges", b"name,text\nA,B\n").get_data(as_text=True)
    assert "Required columns are missing: title, description, organisation." in wrong
    assert "Unknown columns: name, text." in wrong
    latin1 = ("title,description,organisation\nWie können wir Straßen reinigen?,Text,Stadt Celle\n").encode("latin-1")
    assert "is not UTF-8 text (first unreadable byte in line 2)" in _upload(organiser, w, "challenges", latin1).get_data(as_text=True)
    fake_xlsx = _upload(organiser, w, "challenges", b"PK\x03\x04" + b"kaputt" * 100, "liste.xlsx").get_data(as_text=True)
    assert "cannot be read as an XLSX workbook" in fake_xlsx
    binary = _upload(organiser, w, "challenges", bytes(range(256)) * 20).get_data(as_text=True)
    assert "Nothing was imported." in binary
    # 10 MB: refused before anything is read .
    huge = _upload(organiser, w, "challenges", b"\x8f" * (10 * 1024 * 1024), "nonsense.csv")
    assert huge.status_code == 413 and "at most 4 MB" in huge.get_data(as_text=True)
    # Almost 4 MB of nonsense gets through the door and is refused by the importer, clearly.
    nonsense = _upload(organiser, w, "challenges", b"\x8f\x00" * (1900 * 1024)).get_data(as_text=True)
    assert "Nothing was imported." in nonsense and "is not UTF-8 text" in nonsense
    assert _count(w.app, "Challenge") == 1


def test_only_organisers_import(world, login):
    w = world()
    assert _upload(login(w.app, w.people.ben), w, "challenges", HEADER.encode()).status_code == 403


def test_import_command(world, tmp_path):
    from plugins.matchmaking.cli import group

    w = world()
    cli = w.app.test_cli_runner()

    class runner:  # mitsprache matchmaking …, with the app of the world
        @staticmethod
        def invoke(args):
            return cli.invoke(group, args[1:])

    good = tmp_path / "c.csv"
    good.write_text("external_id,title,description,organisation\nx1,Wie können wir Licht sparen?,Text,Stadt Celle\n",
                    encoding="utf-8")
    result = runner.invoke(args=["matchmaking", "import", w.slug, str(good), "--kind", "challenges"])
    assert result.exit_code == 0 and "1 new, 0 updated" in result.output
    nonsense = tmp_path / "n.csv"
    nonsense.write_bytes(b"\x00\xff" * (5 * 1024 * 1024))
    result = runner.invoke(args=["matchmaking", "import", w.slug, str(nonsense), "--kind", "challenges"])
    assert result.exit_code != 0 and "larger than 4 MB; nothing was imported" in result.output
    broken = tmp_path / "b.csv"
    broken.write_text("title,description,organisation\nWie können wir?,,Stadt Celle\n", encoding="utf-8")
    result = runner.invoke(args=["matchmaking", "import", w.slug, str(broken), "--kind", "challenges"])
    assert result.exit_code == 1 and "Row 2: description is empty." in result.output
    assert _count(w.app, "Challenge") == 2
