"""The translation catalogues under locale/ (docs/translating.md): how `make messages` brings them up to date
with the code, and how `make check-messages` finds what a release must not ship: an entry untranslated or
fuzzy, or a catalogue that no longer matches the strings in the code."""

import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

# What makemessages reads: the site's code and templates, not the tests, the benchmark's comparison project
# or installed packages. File-only locations keep the catalogues' diffs to the strings that changed.
MAKEMESSAGES_OPTIONS = {
    "ignore_patterns": [".venv", "node_modules", "var", "bench", "tests", "build", "docs", "locale"],
    "add_location": "file",
    "no_obsolete": True,
}
SOURCES_IGNORED = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "var", "bench", "tests", "build", "locale", "__pycache__", "*.pyc"
)


def languages() -> list[str]:
    """Every language but the source one: the msgids are the English text."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue_path(language: str, base_dir: Path | None = None) -> Path:
    return Path(base_dir or settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / "django.po"


def update(verbosity: int = 1) -> None:
    """Run makemessages over the project for every translated language (it needs GNU gettext)."""
    os.chdir(settings.BASE_DIR)
    call_command("makemessages", locale=languages(), verbosity=verbosity, **MAKEMESSAGES_OPTIONS)


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    @property
    def label(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"


def parse(path: Path) -> list[Entry]:
    """The live entries of a .po file, header included (msgid ""); obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None  # the field that continuation lines extend
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if entry is not None and not line:
                entry, target = None, None
            continue
        if line.startswith("#,"):
            if entry is None:
                entry = Entry(line=number)
                entries.append(entry)
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"{path}:{number}: a string continues nothing")
            _extend(entry, target, _unquote(line, path, number))
            continue
        keyword, _space, rest = line.partition(" ")
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if keyword in {"msgid", "msgctxt", "msgid_plural"}:
            if keyword != "msgid_plural" and entry.msgstr:
                raise ValueError(f"{path}:{number}: an entry without a blank line before it")
            target = (keyword, 0)
        elif keyword == "msgstr":
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            target = ("msgstr", int(keyword[7:-1]))
        else:
            raise ValueError(f"{path}:{number}: unexpected {keyword!r}")
        if keyword == "msgid":
            entry.line = number
        _extend(entry, target, _unquote(rest, path, number), start=True)
    return entries


def _unquote(text: str, path: Path, number: int) -> str:
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string")
    return ast.literal_eval(text)


def _extend(entry: Entry, target: tuple[str, int], text: str, start: bool = False) -> None:
    name, index = target
    if name == "msgstr":
        while len(entry.msgstr) <= index:
            entry.msgstr.append("")
        entry.msgstr[index] += text
    else:
        setattr(entry, name, ("" if start else getattr(entry, name) or "") + text)


PLACEHOLDER = re.compile(r"%\((\w+)\)")


def placeholders_differ(entry: Entry) -> bool:
    """A translation that drops or invents a %(name)s would fail, or lie, when the string is formatted."""
    if "python-format" not in entry.flags:
        return False
    wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
    return any(set(PLACEHOLDER.findall(text)) != wanted for text in entry.msgstr if text)


def nplurals(header: Entry) -> int | None:
    for line in header.msgstr[0].splitlines() if header.msgstr else []:
        if line.lower().startswith("plural-forms:"):
            for part in line.split(":", 1)[1].split(";"):
                name, _eq, value = part.strip().partition("=")
                if name == "nplurals" and value.strip().isdigit():
                    return int(value)
    return None


def translation_problems(path: Path) -> list[str]:
    """Entries that would show English (untranslated), or a guess nobody checked (fuzzy), in a catalogue."""
    if not path.exists():
        return [f"{path}: missing (run `make messages`)"]
    entries = parse(path)
    header = next((entry for entry in entries if entry.msgid == "" and entry.msgctxt is None), None)
    problems = []
    if header is None:
        return [f"{path}: no header"]
    if "fuzzy" in header.flags:
        problems.append(f"{path}: the header is fuzzy (fill it in and remove the flag)")
    forms = nplurals(header)
    if forms is None:
        problems.append(f"{path}: the header has no Plural-Forms")
    for entry in entries:
        if entry is header:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"{path} {entry.label}: fuzzy")
        if not entry.msgstr or any(not text for text in entry.msgstr):
            problems.append(f"{path} {entry.label}: untranslated")
        elif placeholders_differ(entry):
            problems.append(f"{path} {entry.label}: the placeholders differ from the original's")
        elif entry.msgid_plural is not None and forms is not None and len(entry.msgstr) != forms:
            problems.append(
                f"{path} {entry.label}: {len(entry.msgstr)} plural forms, the header says {forms}"
            )
    return problems


def msgids(path: Path) -> set[tuple[str | None, str, str | None]]:
    return {entry.key for entry in parse(path) if entry.msgid or entry.msgctxt is not None}


def fresh_catalogues() -> tuple[Path, dict[str, Path]]:
    """Run `update` on a copy of the sources in a temporary directory, so the check never writes into the
    working tree: the catalogues the code asks for today. The caller removes the directory."""
    base = Path(settings.BASE_DIR)
    copy = Path(tempfile.mkdtemp(prefix="tribune-messages-"))
    shutil.copytree(base, copy / "src", ignore=SOURCES_IGNORED, symlinks=True)
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "forum.settings"}
    env.pop("TRIBUNE_VAR_DIR", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "catalogues", "update", "--verbosity", "0"],
        cwd=copy / "src",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        shutil.rmtree(copy, ignore_errors=True)
        raise RuntimeError(f"makemessages failed on a copy of the sources:\n{result.stderr}")
    return copy, {language: catalogue_path(language, copy / "src") for language in languages()}


def staleness_problems() -> list[str]:
    """Strings in the code that the catalogues lack, and catalogue entries the code no longer has."""
    copy, fresh = fresh_catalogues()
    try:
        problems = []
        for language, fresh_path in fresh.items():
            path = catalogue_path(language)
            if not path.exists():
                problems.append(f"{path}: missing (run `make messages`)")
                continue
            wanted, have = msgids(fresh_path), msgids(path)
            problems += [
                f"{path}: lacks {_show(key)} (run `make messages`)" for key in sorted(wanted - have, key=str)
            ]
            problems += [
                f"{path}: still has {_show(key)}, gone from the code"
                for key in sorted(have - wanted, key=str)
            ]
        return problems
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _show(key: tuple[str | None, str, str | None]) -> str:
    context, msgid, _plural = key
    return repr(msgid) + (f" (context {context!r})" if context is not None else "")
