"""Fast unit tests of az_project_base's address normalisation and area matching (no Odoo)."""

import importlib.util
import sys
from pathlib import Path

_PATH = Path(__file__).resolve().parent.parent / "az_project_base" / "tools" / "territory.py"
_SPEC = importlib.util.spec_from_file_location("az_territory", _PATH)
tr = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(tr)


def test_module_does_not_import_odoo():
    assert "odoo" not in sys.modules


def test_accents_case_and_hyphens_fold_to_one_key():
    assert tr.city_key("Saint-Étienne") == tr.city_key("SAINT ETIENNE") == "saint etienne"
    assert tr.street_key("Allée des Œillets") == "allee des oeillets"
    assert tr.street_key("Rue Jean-Jaurès") == tr.street_key("rue jean jaures")


def test_abbreviations_are_written_out():
    assert (
        tr.street_key("Bd St-Michel") == tr.street_key("Boulevard Saint Michel") == "boulevard saint michel"
    )
    assert tr.street_key("av. Ste-Anne") == "avenue sainte anne"
    assert tr.city_key("St-Denis") == "saint denis"


def test_house_number_and_its_suffix_are_dropped():
    assert tr.street_key("12 bis Bd St-Michel") == "boulevard saint michel"
    assert tr.street_key("3ter rue de la Paix") == "rue de la paix"
    # a street named by a number keeps it
    assert tr.street_key("Rue du 8 Mai 1945") == "rue du 8 mai 1945"


def test_cedex_is_not_part_of_the_commune():
    assert tr.city_key("Lyon Cedex 03") == "lyon"


def test_full_address_is_read_into_street_postcode_and_commune():
    got = tr.parse_address("12 bd St-Michel, 75005 PARIS")
    assert got == tr.Address(postcode="75005", city="paris", street="boulevard saint michel")
    assert tr.parse_address("Boulevard Saint Michel 75005 Paris") == got


def test_postcode_alone_and_insee_code():
    assert tr.parse_address(" 75 005 ").postcode == "75005"
    assert tr.parse_address("75005").street == ""
    assert tr.parse_address("2a004") == tr.Address(insee="2A004")


def test_address_without_postcode_uses_the_last_part_as_commune():
    got = tr.parse_address("4 rue de la République, Lyon")
    assert got == tr.Address(city="lyon", street="rue de la republique")
    assert tr.parse_address("Villeurbanne") == tr.Address(city="villeurbanne")


def test_postcode_and_insee_keys_refuse_anything_else():
    assert tr.postcode_key("7500") == ""
    assert tr.postcode_key("75005x") == ""
    assert tr.insee_key("2C004") == ""
    assert tr.insee_key("69123") == "69123"


def areas():
    return [
        tr.Area("town", insee="75056", postcode="75005", city="paris"),
        tr.Area("street", postcode="75005", city="paris", street="boulevard saint michel"),
        tr.Area("postcode", postcode="75005"),
        tr.Area("elsewhere", postcode="69001"),
    ]


def test_a_street_inside_a_street_area_goes_there_not_to_the_town():
    address = tr.parse_address("12 bd St-Michel, 75005 Paris")
    assert tr.best_areas(address, areas()) == (tr.STREET, ["street"])


def test_another_street_of_the_town_goes_to_the_town():
    address = tr.parse_address("3 rue Mouffetard, 75005 Paris")
    assert tr.best_areas(address, areas()) == (tr.COMMUNE, ["town"])


def test_a_postcode_alone_offers_every_area_of_that_postcode():
    address = tr.parse_address("75005")
    assert tr.best_areas(address, areas()) == (tr.POSTCODE, ["town", "street", "postcode"])


def test_a_commune_of_the_same_name_with_another_postcode_is_not_matched():
    address = tr.parse_address("1 place de la Mairie, 21000 Paris")
    assert tr.best_areas(address, areas()) == (tr.NONE, [])


def test_nothing_typed_matches_nothing():
    assert tr.best_areas(tr.parse_address("   "), areas()) == (tr.NONE, [])
