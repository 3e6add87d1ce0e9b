"""The justification bundle's tables and manifest."""

import io
import zipfile

from conftest import load_module

bundle = load_module("az_attendance_funder/tools/bundle.py")

ROWS = [
    {
        "participant": "Amina",
        "session": "Atelier 1",
        "date": "2025-03-11",
        "month": "2025-03",
        "planned": 3.0,
        "done": 3.0,
        "excused": 0.0,
        "funded": 3.0,
    },
    {
        "participant": "Amina",
        "session": "Atelier 2",
        "date": "2025-04-01",
        "month": "2025-04",
        "planned": 3.0,
        "done": 0.0,
        "excused": 3.0,
        "funded": 3.0,
    },
    {
        "participant": "Lucas",
        "session": "Atelier 1",
        "date": "2025-03-11",
        "month": "2025-03",
        "planned": 3.0,
        "done": 2.5,
        "excused": 0.0,
        "funded": 2.5,
    },
]


def test_totals_per_participant_session_and_month():
    tables = bundle.summaries(ROWS)
    assert tables["participant"][1] == [["Amina", 6.0, 3.0, 3.0, 6.0], ["Lucas", 3.0, 2.5, 0.0, 2.5]]
    assert tables["session"][1][0] == ["Atelier 1", "2025-03-11", 6.0, 5.5, 0.0, 5.5]
    assert [row[0] for row in tables["month"][1]] == ["2025-03", "2025-04"]


def test_every_file_is_in_the_manifest_with_its_digest():
    files = [("sheets/a.pdf", b"%PDF-a", "$3$" + "a" * 64), ("hours.csv", b"x;y", "")]
    data, manifest = bundle.build_zip(files)
    listed = bundle.read_manifest(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist()) - {"manifest.csv"}
        assert names == set(listed)
        for name in names:
            assert bundle.digest(archive.read(name)) == listed[name][0]
    assert listed["sheets/a.pdf"][1] == "$3$" + "a" * 64
    assert len(manifest) == 2


def test_csv_keeps_accents_for_spreadsheets():
    data = bundle.csv_bytes(["participant"], [["Amélie"]])
    assert data.startswith("\ufeff".encode())
    assert "Amélie" in data.decode("utf-8-sig")


def test_a_decimal_comma_gives_the_csv_a_spreadsheet_in_french_reads():
    data = bundle.csv_bytes(["participant", "done"], [["Amélie", 2.5]], {"done": "Heures faites"}, ",")
    assert data.decode("utf-8-sig").splitlines() == ["participant;Heures faites", "Amélie;2,50"]


def test_the_manifest_takes_the_name_of_the_language_and_is_read_back():
    files = [("feuilles/a.pdf", b"%PDF-a", "$3$" + "a" * 64)]
    data, _manifest = bundle.build_zip(files, {"file": "Fichier"}, "manifeste.csv", ",")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["feuilles/a.pdf", "manifeste.csv"]
        assert archive.read("manifeste.csv").decode("utf-8-sig").startswith("Fichier;")
    assert bundle.read_manifest(data, "manifeste.csv")["feuilles/a.pdf"][1] == "$3$" + "a" * 64
