"""The translation catalogues: complete, up to date with the code (`make check-messages`, also run here), and
the check itself catches what it must."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import ngettext

from forum.accounts import catalogues

HEADER = r"""msgid ""
msgstr ""
"Language: uk\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\n"

"""


def write_po(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "django.po"
    path.write_text(header + body, encoding="utf-8")
    return path


@pytest.fixture
def site_copy(tmp_path, settings):
    """The project's sources and catalogues in a scratch directory that the check treats as the project."""
    copy = tmp_path / "site"
    shutil.copytree(settings.BASE_DIR, copy, ignore=catalogues.SOURCES_IGNORED, symlinks=True)
    shutil.copytree(
        Path(settings.BASE_DIR) / "locale", copy / "locale", ignore=shutil.ignore_patterns("*.mo")
    )
    settings.BASE_DIR = copy
    return copy


def test_the_catalogues_are_complete_and_up_to_date():
    call_command("catalogues", "check", verbosity=0)


def test_ukrainian_has_three_plural_forms():
    with translation.override("uk"):
        shown = {
            n: ngettext("%(counter)s comment", "%(counter)s comments", n) % {"counter": n}
            for n in (1, 2, 4, 5, 11, 12, 21, 22, 25, 111)
        }

    assert shown == {
        1: "1 коментар",
        2: "2 коментарі",
        4: "4 коментарі",
        5: "5 коментарів",
        11: "11 коментарів",
        12: "12 коментарів",
        21: "21 коментар",
        22: "22 коментарі",
        25: "25 коментарів",
        111: "111 коментарів",
    }


def test_check_reports_an_untranslated_entry(tmp_path):
    path = write_po(tmp_path, 'msgid "Reply"\nmsgstr ""\n')

    assert catalogues.translation_problems(path) == [f"{path} line 8: 'Reply': untranslated"]


def test_check_reports_a_fuzzy_entry(tmp_path):
    path = write_po(tmp_path, '#, fuzzy\nmsgid "Reply"\nmsgstr "Відповідь"\n')

    assert catalogues.translation_problems(path) == [f"{path} line 9: 'Reply': fuzzy"]


def test_check_reports_a_plural_with_a_missing_form(tmp_path):
    path = write_po(
        tmp_path,
        '#, python-format\nmsgid "%(counter)s reply"\nmsgid_plural "%(counter)s replies"\n'
        'msgstr[0] "%(counter)s відповідь"\nmsgstr[1] "%(counter)s відповіді"\nmsgstr[2] ""\n',
    )

    assert catalogues.translation_problems(path) == [f"{path} line 9: '%(counter)s reply': untranslated"]


def test_check_reports_a_plural_with_too_few_forms_for_the_header(tmp_path):
    path = write_po(
        tmp_path,
        'msgid "%(counter)s reply"\nmsgid_plural "%(counter)s replies"\n'
        'msgstr[0] "%(counter)s відповідь"\nmsgstr[1] "%(counter)s відповідей"\n',
    )

    assert catalogues.translation_problems(path) == [
        f"{path} line 8: '%(counter)s reply': 2 plural forms, the header says 3"
    ]


def test_check_reports_a_translation_that_loses_a_placeholder(tmp_path):
    path = write_po(tmp_path, '#, python-format\nmsgid "Hello %(name)s,"\nmsgstr "Вітаємо!"\n')

    assert catalogues.translation_problems(path) == [
        f"{path} line 9: 'Hello %(name)s,': the placeholders differ from the original's"
    ]


def test_check_reports_a_fuzzy_header_and_a_missing_plural_rule(tmp_path):
    path = write_po(
        tmp_path, 'msgid "Reply"\nmsgstr "Відповісти"\n', header='#, fuzzy\nmsgid ""\nmsgstr ""\n\n'
    )

    assert catalogues.translation_problems(path) == [
        f"{path}: the header is fuzzy (fill it in and remove the flag)",
        f"{path}: the header has no Plural-Forms",
    ]


def test_check_reads_multiline_strings_and_contexts(tmp_path):
    path = write_po(
        tmp_path,
        'msgctxt "comment posting time"\nmsgid ""\n"Two lines "\n"joined"\n'
        'msgstr ""\n"Два рядки, "\n"разом"\n',
    )

    [_header, entry] = catalogues.parse(path)
    assert (entry.msgctxt, entry.msgid, entry.msgstr) == (
        "comment posting time",
        "Two lines joined",
        ["Два рядки, разом"],
    )
    assert catalogues.translation_problems(path) == []


def test_check_finds_a_string_the_catalogue_lacks_and_leaves_the_catalogue_alone(site_copy):
    po = site_copy / "locale" / "uk" / "LC_MESSAGES" / "django.po"
    before = po.read_bytes()
    (site_copy / "templates" / "_new.html").write_text(
        '{% load i18n %}{% translate "A sentence nobody has translated yet" %}', encoding="utf-8"
    )

    problems = catalogues.staleness_problems()

    assert problems == [f"{po}: lacks 'A sentence nobody has translated yet' (run `make messages`)"]
    assert po.read_bytes() == before


def test_check_finds_a_string_gone_from_the_code(site_copy):
    (site_copy / "templates" / "_language_switcher.html").write_text("", encoding="utf-8")

    problems = catalogues.staleness_problems()

    po = site_copy / "locale" / "uk" / "LC_MESSAGES" / "django.po"
    assert problems == [f"{po}: still has 'Change', gone from the code"]


def test_check_command_fails_with_the_list_of_problems(site_copy):
    (site_copy / "templates" / "_new.html").write_text(
        '{% load i18n %}{% translate "A sentence nobody has translated yet" %}', encoding="utf-8"
    )

    with pytest.raises(CommandError, match="lacks 'A sentence nobody has translated yet'"):
        call_command("catalogues", "check", verbosity=0)
