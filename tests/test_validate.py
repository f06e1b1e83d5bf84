"""Every rule of the data contract: the exact message, file, line and column."""

from __future__ import annotations

import json

import pytest

from macros.validate import load

from .conftest import HOUSTON, TAIPEI, DataDir


def errors(data: DataDir) -> list[str]:
    atlas, findings = load(data.root)
    found = [str(f) for f in findings if f.severity == "error"]
    assert (atlas is None) == bool(found)
    return found


def warnings(data: DataDir) -> list[str]:
    return [str(f) for f in load(data.root)[1] if f.severity == "warning"]


def test_the_fixture_is_valid(data: DataDir) -> None:
    atlas, findings = load(data.root)
    assert findings == []
    assert atlas is not None and [l.partner for l in atlas.links_of("taipei")] == ["houston"]


def one_error(data: DataDir, relative: str, text: str) -> str:
    data.write(relative, text)
    found = errors(data)
    assert len(found) == 1, found
    return found[0]


def test_unknown_field_suggests_the_right_one(data: DataDir) -> None:
    message = one_error(data, "cities/taipei.yaml", TAIPEI.replace("signed: 1961", "signd: 1961"))
    assert message == f"{data.display('cities/taipei.yaml')}:8:5: error: relationships[0].signd: unknown field (did you mean 'signed'?)"


def test_missing_required_field(data: DataDir) -> None:
    message = one_error(data, "cities/taipei.yaml", TAIPEI.replace("    type: sister\n", ""))
    assert message == f"{data.display('cities/taipei.yaml')}:6:5: error: relationships[0]: missing required field 'type'"


def test_wrong_type_says_what_was_expected(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", "name: 1984\ncountry: US\ncoordinates: [29.7, -95.3]\n")
    assert message == f"{data.display('cities/houston.yaml')}:1:7: error: name: expected text, got a number: put it in quotes"


def test_norway_stays_a_country_code_not_a_boolean(data: DataDir) -> None:
    data.write("cities/houston.yaml", "name: Oslo\ncountry: NO\ncoordinates: [59.91, 10.75]\n")
    assert errors(data) == []


def test_yaml11_boolean_words_get_a_hint_where_a_number_is_expected(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7, -95.3]\npopulation: yes\n")
    assert message.endswith("4:13: error: population: expected a whole number, got text: 'yes' is text here, write the number without quotes or leading zeros")


def test_leading_zero_number_is_not_read_as_octal(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7, -95.3]\npopulation: 0700\n")
    assert message.endswith("4:13: error: population: expected a whole number, got text: '0700' is text here, write the number without quotes or leading zeros")


@pytest.mark.parametrize(
    "signed, message",
    [
        ("2023-02-30", "'2023-02-30' does not exist"),
        ("2023-13", "'2023-13' does not exist: no month 13"),
        ("June 1961", "'June 1961' is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_dates_must_exist(data: DataDir, signed: str, message: str) -> None:
    found = one_error(data, "cities/taipei.yaml", TAIPEI.replace("1961-06-15", signed))
    assert found == f"{data.display('cities/taipei.yaml')}:8:13: error: relationships[0].signed: {message}"


def test_ended_before_signed(data: DataDir) -> None:
    found = one_error(data, "cities/taipei.yaml", TAIPEI.replace("    signed: 1961-06-15\n", "    signed: 1961-06-15\n    ended: 1960\n"))
    assert found == f"{data.display('cities/taipei.yaml')}:9:12: error: relationships[0].ended: ended 1960 is before signed 1961-06-15"


def test_coordinates_out_of_range(data: DataDir) -> None:
    found = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7, -195.3]\n")
    assert found == f"{data.display('cities/houston.yaml')}:3:21: error: coordinates[1]: longitude -195.3 is out of range -180..180"


def test_coordinates_need_two_numbers(data: DataDir) -> None:
    found = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [29.7]\n")
    assert found == f"{data.display('cities/houston.yaml')}:3:14: error: coordinates: expected [latitude, longitude]"


def test_unknown_country_code(data: DataDir) -> None:
    found = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: UX\ncoordinates: [29.7, -95.3]\n")
    assert found == f"{data.display('cities/houston.yaml')}:2:10: error: country: unknown country code 'UX'"


def test_country_code_format(data: DataDir) -> None:
    found = one_error(data, "cities/houston.yaml", "name: Houston\ncountry: usa\ncoordinates: [29.7, -95.3]\n")
    assert found == f"{data.display('cities/houston.yaml')}:2:10: error: country: 'usa' is not an ISO 3166-1 alpha-2 code such as JP or TW"


def test_file_name_must_be_an_id(data: DataDir) -> None:
    (data.root / "cities/houston.yaml").rename(data.root / "cities/Houston TX.yaml")
    found = errors(data)
    assert f"{data.display('cities/Houston TX.yaml')}:1:1: error: file name 'Houston TX' is not an id: use lowercase ASCII words joined by '-'" in found


def test_reference_to_a_missing_place_suggests_one(data: DataDir) -> None:
    found = one_error(data, "cities/taipei.yaml", TAIPEI.replace("with: houston", "with: houstn"))
    assert found == f"{data.display('cities/taipei.yaml')}:6:11: error: relationships[0].with: no place 'houstn' (did you mean 'houston'?)"


def test_reference_to_missing_network_source_and_vocabulary(data: DataDir) -> None:
    text = TAIPEI.replace("network: citynet", "network: citynt").replace("type: sister", "type: sisters")
    text = text.replace("    sources: [taipei-gov]\n", "    sources: [taipei-gv]\n")
    data.write("cities/taipei.yaml", text)
    path = data.display("cities/taipei.yaml")
    assert errors(data) == [
        f"{path}:7:11: error: relationships[0].type: no relationship type 'sisters' in vocabulary.yaml (did you mean 'sister'?)",
        f"{path}:9:15: error: relationships[0].sources[0]: no source 'taipei-gv' (did you mean 'taipei-gov'?)",
        f"{path}:11:15: error: memberships[0].network: no network 'citynt' (did you mean 'citynet'?)",
    ]


def test_a_place_linked_to_itself(data: DataDir) -> None:
    found = one_error(data, "cities/taipei.yaml", TAIPEI.replace("with: houston", "with: taipei"))
    assert found == f"{data.display('cities/taipei.yaml')}:6:11: error: relationships[0].with: a place cannot be linked to itself ('taipei')"


def test_the_same_link_recorded_in_both_files_names_both(data: DataDir) -> None:
    data.write("cities/houston.yaml", """
        name: Houston
        country: US
        coordinates: [29.7633, -95.3633]
        relationships:
          - with: taipei
            type: sister
            sources: [taipei-gov]
        """)
    found = errors(data)
    assert found == [
        f"{data.display('cities/taipei.yaml')}:6:5: error: relationships[0]: the same sister link between 'taipei' and 'houston'"
        f" is already recorded at {data.display('cities/houston.yaml')}:5:5: record each link once"
    ]


def test_two_ties_of_the_same_type_told_apart_by_date_are_allowed(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("memberships:", "  - {with: houston, type: sister, signed: 2021, sources: [taipei-gov]}\nmemberships:"))
    assert errors(data) == []


def test_source_urls_must_be_http(data: DataDir) -> None:
    found = one_error(data, "sources/taipei-gov.yaml", "title: X\nurl: javascript:alert(1)\n")
    assert found == f"{data.display('sources/taipei-gov.yaml')}:2:6: error: url: 'javascript:alert(1)' is not an http or https URL"


def test_every_link_needs_a_source(data: DataDir) -> None:
    found = one_error(data, "cities/taipei.yaml", TAIPEI.replace("    sources: [taipei-gov]\n", "    sources: []\n"))
    assert found == f"{data.display('cities/taipei.yaml')}:9:14: error: relationships[0].sources: at least one source is required"


def test_source_written_in_place_is_checked_as_a_source(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("    sources: [taipei-gov]\n", "    sources: [{titel: X}]\n"))
    path = data.display("cities/taipei.yaml")
    assert errors(data) == [
        f"{path}:9:15: error: relationships[0].sources[0]: missing required field 'title'",
        f"{path}:9:16: error: relationships[0].sources[0].titel: unknown field (did you mean 'title'?)",
    ]


def test_warnings_for_suspicious_data(data: DataDir) -> None:
    data.write("cities/houston.yaml", "name: Houston\ncountry: US\ncoordinates: [48.85, 2.35]\n")
    data.write("cities/lonely.yaml", "name: Lonely\ncountry: JP\ncoordinates: [35.0, 139.0]\n")
    data.write("cities/taipei.yaml", TAIPEI.replace("    signed: 1961-06-15\n", ""))
    assert errors(data) == []
    assert warnings(data) == [
        f"{data.display('cities/houston.yaml')}:3:14: warning: coordinates: [48.85, 2.35] is far from United States (US): check the coordinates and the country",
        f"{data.display('cities/lonely.yaml')}:1:1: warning: place 'lonely' has no links, programmes or events: record one, or remove the file",
        f"{data.display('cities/taipei.yaml')}:6:5: warning: relationships[0]: link with 'houston' has no date: add `signed` when a source gives it",
    ]


def test_other_files_and_folders_are_reported(data: DataDir) -> None:
    data.write("cities/osaka.yml", "name: Osaka\n")
    (data.root / "places").mkdir()
    data.write("places/kyoto.yaml", "name: Kyoto\n")
    data.write("kobe.yaml", "name: Kobe\n")
    (data.root / "cities" / "japan").mkdir()
    (data.root / "cities" / "nara.yaml").mkdir()
    data.write("cities/index.yaml", HOUSTON)
    data.write("cities/con.yaml", HOUSTON)
    data.write("cities/.yaml", HOUSTON)  # what `atlas new place 臺北` once wrote
    data.write("cities/.draft.yaml", HOUSTON)
    data.write("cities/notes.txt", "to do\n")
    (data.root / ".drafts").mkdir()
    data.write(".drafts/kobe.yaml", HOUSTON)
    data.write("README.md", "about the data\n")
    data.write("cities/zz\n.yaml", HOUSTON)  # `$` in an id pattern would let the newline by
    _, findings = load(data.root)
    hidden = "error: hidden file or folder, not read: records are <id>.yaml files, named without a leading '.'"
    assert [str(f) for f in findings] == [
        f"{data.display('.drafts')}:1:1: error: unknown folder, not read: records go in cities, networks, programs, sources",
        f"{data.display('README.md')}:1:1: error: not read: data/ holds vocabulary.yaml and the folders cities, networks, programs, sources",
        f"{data.display('cities/.draft.yaml')}:1:1: {hidden}",
        f"{data.display('cities/.yaml')}:1:1: {hidden}",
        f"{data.display('cities/con.yaml')}:1:1: error: 'con' is reserved (a generated page or a name Windows refuses): choose another id",
        f"{data.display('cities/index.yaml')}:1:1: error: 'index' is reserved (a generated page or a name Windows refuses): choose another id",
        f"{data.display('cities/japan')}:1:1: error: a folder inside cities/ is not read: put records directly in cities/",
        f"{data.display('cities/nara.yaml')}:1:1: error: a folder inside cities/ is not read: put records directly in cities/",
        f"{data.display('cities/notes.txt')}:1:1: error: not a .yaml file: name records <id>.yaml",
        f"{data.display('cities/osaka.yml')}:1:1: error: not a .yaml file: name records <id>.yaml",
        f"{data.display('cities/zz')}\\n.yaml:1:1: error: file name 'zz\\n' is not an id: use lowercase ASCII words joined by '-'",
        f"{data.display('kobe.yaml')}:1:1: error: not read: records go in cities, networks, programs, sources, one file each",
        f"{data.display('places')}:1:1: error: unknown folder, not read: records go in cities, networks, programs, sources",
    ]


def test_a_vocabulary_id_may_not_take_a_generated_page_name(data: DataDir) -> None:
    text = (data.root / "vocabulary.yaml").read_text(encoding="utf-8")
    message = one_error(data, "vocabulary.yaml", text.replace("id: friendship", "id: index", 1))
    assert message.startswith(f"{data.display('vocabulary.yaml')}:")
    assert message.endswith("error: relationship_types[1].id: 'index' is reserved (a generated page or a name Windows refuses): choose another id")


def test_one_geonames_id_is_one_place(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON + "geonames: 4699066\n")
    data.write("cities/harris-county.yaml", HOUSTON.replace("Houston", "Harris County") + "geonames: 4699066\n"
               "relationships: [{with: taipei, type: friendship, sources: [taipei-gov]}]\n")
    assert errors(data) == [f"{data.display('cities/houston.yaml')}:4:11: error: geonames: GeoNames id 4699066 is also place "
                            f"'harris-county' ({data.display('cities/harris-county.yaml')}): record each place once"]


@pytest.mark.parametrize(
    "text, found",
    [
        ('"Hous\\uFFFEton"', "1:7: error: name: U+FFFE is not a character text may hold (XML and the feed refuse it): remove it"),
        ('"Hous\\uFDD0ton"', "1:7: error: name: U+FDD0 is not a character text may hold (XML and the feed refuse it): remove it"),
        ('"Hous\\U0010FFFFton"', "1:7: error: name: U+10FFFF is not a character text may hold (XML and the feed refuse it): remove it"),
        ('"Hous\\x1bton"', "1:7: error: name: control character U+001B (a control character): remove it"),
    ],
)
def test_text_holds_only_characters_xml_can_carry(data: DataDir, text: str, found: str) -> None:
    data.write("cities/houston.yaml", HOUSTON.replace("name: Houston", f"name: {text}"))
    assert errors(data) == [f"{data.display('cities/houston.yaml')}:{found}"]


def test_a_number_too_long_for_any_field_is_an_error_not_a_traceback(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", HOUSTON + "population: " + "9" * 5000 + "\n")
    assert message == f"{data.display('cities/houston.yaml')}:4:13: error: a number of 5,000 digits: no field takes more than 15"
    message = one_error(data, "cities/houston.yaml", HOUSTON.replace("29.7633", "1e999"))
    assert message == f"{data.display('cities/houston.yaml')}:3:15: error: a number too large to hold: check it"


def test_markdown_nested_too_deeply_to_show_is_an_error(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", HOUSTON + 'summary: "First line.\\n\\n' + "- " * 12 + 'deep"\n')
    assert message == (f"{data.display('cities/houston.yaml')}:4:10: error: summary: Markdown nested too deeply: line 3 "
                       "of the text starts with 16 or more quote marks, list markers and spaces; flatten the lists and quotes")
    data.write("cities/houston.yaml", HOUSTON + 'summary: "' + "- " * 7 + 'deep enough\\n\\n---------------------"\n')
    assert errors(data) == []


def test_symlinks_are_refused_not_followed(data: DataDir, tmp_path) -> None:
    outside = tmp_path / "secret.yaml"
    outside.write_text(HOUSTON, encoding="utf-8")
    (data.root / "cities" / "dallas.yaml").symlink_to(outside)
    (data.root / "cities" / "zero.yaml").symlink_to("/dev/zero")
    (data.root / "extra").symlink_to(tmp_path)
    assert errors(data) == [
        f"{data.display('cities/dallas.yaml')}:1:1: error: symbolic link: commit the file itself, not a link to it",
        f"{data.display('cities/zero.yaml')}:1:1: error: symbolic link: commit the file itself, not a link to it",
        f"{data.display('extra')}:1:1: error: symbolic link: commit the file or folder itself",
    ]


@pytest.mark.parametrize(
    "line, found",
    [
        ("signed: 0000", "7:13: error: relationships[0].signed: '0000' is not a plausible year: write a year from 1000 to 2100"),
        ("signed: 9999-01-01", "7:13: error: relationships[0].signed: '9999-01-01' is not a plausible year: write a year from 1000 to 2100"),
        ("signed: 1961\n    note: \"\u202egnp.exe\"", "8:11: error: relationships[0].note: direction-changing character U+202E (RIGHT-TO-LEFT OVERRIDE) can make text read differently from what it is: remove it"),
        ("signed: 1961\n    note: \"a\\u0007b\"", "8:11: error: relationships[0].note: control character U+0007 (a control character): remove it"),
    ],
)
def test_impossible_values_are_errors(data: DataDir, line: str, found: str) -> None:
    data.write("cities/houston.yaml", HOUSTON + f"relationships:\n  - with: taipei\n    type: friendship\n    {line}\n    sources: [taipei-gov]\n")
    assert errors(data) == [f"{data.display('cities/houston.yaml')}:{found}"]


@pytest.mark.parametrize(
    "text, found",
    [
        ('name: "  "', "1:7: error: name: must not be blank"),
        ("names: {zh_Hant: 休士頓}", "2:9: error: names.zh_Hant: 'zh_Hant' is not a BCP 47 language tag such as ja, ko or zh-Hant: write 'zh-Hant'"),
        ("names: {chinese: 休士頓}", "2:9: error: names.chinese: 'chinese' is not a BCP 47 language tag such as ja, ko or zh-Hant"),
    ],
)
def test_names_must_be_visible_and_keyed_by_language(data: DataDir, text: str, found: str) -> None:
    body = HOUSTON if text.startswith("names") else HOUSTON.replace("name: Houston", "")
    data.write("cities/houston.yaml", body.replace("country: US", f"{text}\ncountry: US"))
    assert errors(data) == [f"{data.display('cities/houston.yaml')}:{found}"]


def test_a_date_in_the_future_is_a_warning(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("signed: 1961-06-15", "signed: 2099-06-15"))
    assert warnings(data) == [
        f"{data.display('cities/taipei.yaml')}:8:13: warning: relationships[0].signed: signed 2099-06-15 is in the future: check the date"
    ]


def test_invisible_characters_are_warnings(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON.replace("name: Houston", 'name: "Hous\u200bton"\nnames: {fa: "هیوستون\u200cها"}'))
    assert warnings(data) == [
        f"{data.display('cities/houston.yaml')}:1:7: warning: name: invisible character U+200B (ZERO WIDTH SPACE): remove it unless the text needs it"
    ]


@pytest.mark.parametrize(
    "url, found",
    [
        ("https://x.org/a b", "'https://x.org/a b' contains ' ': write it as %20"),
        ('https://x.org/"onmouseover=x', "'https://x.org/\"onmouseover=x' contains '\"': write it as %22"),
        ("https://x.org/<script>", "'https://x.org/<script>' contains '<': write it as %3C"),
    ],
)
def test_source_urls_hold_no_spaces_quotes_or_brackets(data: DataDir, url: str, found: str) -> None:
    message = one_error(data, "sources/taipei-gov.yaml", f"title: X\nurl: {json.dumps(url)}\n")
    assert message == f"{data.display('sources/taipei-gov.yaml')}:2:6: error: url: {found}"


def test_python_field_names_are_not_a_back_door(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI.replace("  - with: houston", "  - with_: houston"))
    path = data.display("cities/taipei.yaml")
    assert errors(data) == [
        f"{path}:6:5: error: relationships[0].with_: unknown field (did you mean 'with'?)",
        f"{path}:6:5: error: relationships[0]: missing required field 'with'",
    ]


def test_an_entry_written_twice_is_an_error(data: DataDir) -> None:
    data.write("cities/taipei.yaml", TAIPEI + "  - {network: citynet, since: 1987, sources: [taipei-gov]}\n")
    assert errors(data) == [f"{data.display('cities/taipei.yaml')}:12:5: error: memberships[1]: the same entry is already at line 11: record it once"]


def test_thousands_of_repeated_entries_are_each_reported_in_one_pass(data: DataDir) -> None:
    entry = "  - {network: citynet, since: 1987, sources: [taipei-gov]}\n"
    data.write("cities/taipei.yaml", TAIPEI + entry * 8_000)  # 470 KB, near the file size limit
    found = errors(data)
    assert len(found) == 8_000
    assert found[-1] == f"{data.display('cities/taipei.yaml')}:8011:5: error: memberships[8000]: the same entry is already at line 11: record it once"


def test_a_mirror_of_an_encyclopedia_is_a_warning(data: DataDir) -> None:
    data.write("sources/taipei-gov.yaml", "title: Taipei\nurl: https://infogalactic.com/info/Taipei\n")
    assert warnings(data) == [
        f"{data.display('sources/taipei-gov.yaml')}:2:6: warning: url: a copy of an encyclopedia, not a source: cite the page it copies, or an official page or news report"
    ]


def test_a_population_without_year_or_source_is_a_warning_each(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON.lstrip() + "population: 2304580\n")
    assert warnings(data) == [
        f"{data.display('cities/houston.yaml')}:4:13: warning: population: 2,304,580 has no source: add `population_source` (a data/sources id or a source written in place)",
        f"{data.display('cities/houston.yaml')}:4:13: warning: population: 2,304,580 has no year: add `population_year`, or say in `population_note` why none is known",
    ]


def test_a_population_with_its_year_and_source_passes(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON.lstrip() + "population: 2304580\npopulation_year: 2020\npopulation_kind: census\n"
               "population_source: {title: 'QuickFacts: Houston city, Texas', publisher: United States Census Bureau}\n")
    assert load(data.root)[1] == []


def test_an_undated_population_passes_when_its_note_says_why(data: DataDir) -> None:
    data.write("sources/geonames.yaml", "title: GeoNames\npublisher: GeoNames\n")
    data.write("cities/houston.yaml", HOUSTON.lstrip() + "population: 2304580\npopulation_source: geonames\n"
               "population_note: GeoNames does not say which year it is for.\n")
    assert load(data.root)[1] == []


def test_a_name_in_another_language_may_cite_where_it_is_written_so(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON.lstrip() + "names: {zh-Hant: 休士頓}\n"
               "names_sources: {zh-Hant: {title: 臺北市姊妹市, publisher: Taipei City Government}}\n")
    assert load(data.root)[1] == []


def test_a_name_source_needs_its_name_and_an_existing_source(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", HOUSTON.lstrip() + "names: {ja: ヒューストン}\nnames_sources: {zh-Hant: taipei-list}\n")
    assert message == (f"{data.display('cities/houston.yaml')}:5:26: error: names_sources.zh-Hant: a source for a name in zh-Hant, "
                       "but `names` has none: add the name or remove its source")
    message = one_error(data, "cities/houston.yaml", HOUSTON.lstrip() + "names: {zh-Hant: 休士頓}\nnames_sources: {zh-Hant: taipei-list}\n")
    assert message == f"{data.display('cities/houston.yaml')}:5:26: error: names_sources.zh-Hant: no source 'taipei-list' (did you mean 'taipei-gov'?)"


def test_a_population_source_must_exist(data: DataDir) -> None:
    message = one_error(data, "cities/houston.yaml", HOUSTON.lstrip() + "population: 2304580\npopulation_year: 2020\npopulation_source: census-2020\n")
    assert message == f"{data.display('cities/houston.yaml')}:6:20: error: population_source: no source 'census-2020'"


def test_population_fields_without_a_population_are_a_warning(data: DataDir) -> None:
    data.write("cities/houston.yaml", HOUSTON.lstrip() + "population_year: 2020\n")
    assert warnings(data) == [
        f"{data.display('cities/houston.yaml')}:4:18: warning: population_year: population_year without a population: add the population or remove population_year"
    ]
