"""The npm packages the browser tests use come from the npm registry, pinned by package-lock.json."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = "https://registry.npmjs.org/"


def load(name: str) -> dict:
    return json.loads((ROOT / name).read_text())


def test_axe_core_is_a_dev_dependency_with_a_compatible_range():
    package = load("package.json")

    assert package["private"] is True
    assert package.get("dependencies", {}) == {}
    assert package["devDependencies"]["axe-core"].startswith("~4.")


def test_lock_matches_package_json():
    package, lock = load("package.json"), load("package-lock.json")

    assert lock["lockfileVersion"] == 3
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    assert lock["packages"]["node_modules/axe-core"]["version"].startswith("4.")


def test_lock_names_no_download_address_but_the_npm_registry():
    lock = load("package-lock.json")

    for path, entry in lock["packages"].items():
        if not path:
            continue
        assert entry["integrity"].startswith("sha512-"), path
        resolved = entry.get("resolved")
        assert resolved is None or resolved.startswith(REGISTRY), f"{path} comes from {resolved}"
