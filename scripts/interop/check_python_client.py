"""Checks the client openapi-python-client generated: every module imports, and every example
of the spec decodes into its model (`from_dict`) and encodes back (`to_dict`) to the same JSON,
so wire names such as `first_page?` and nullable fields survive.

    python check_python_client.py PACKAGE_PARENT PACKAGE EXAMPLES.json

Prints `<modules> <examples>` on success; exits non-zero with every failure otherwise.
"""

import datetime
import importlib

import attrs
import json
import pkgutil
import sys


def same(expected, actual, at="$"):
    """A difference between two JSON values, or None. Timestamps compare as instants: the
    generated models print `.118000` where the spec has `.118`."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in expected.keys() | actual.keys():
            if key not in actual:
                return f"{at}.{key}: missing after the round trip"
            if key not in expected:
                return f"{at}.{key}: added by the round trip"
            difference = same(expected[key], actual[key], f"{at}.{key}")
            if difference:
                return difference
        return None
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for i, (e, a) in enumerate(zip(expected, actual)):
            difference = same(e, a, f"{at}[{i}]")
            if difference:
                return difference
        return None
    if isinstance(expected, str) and isinstance(actual, str) and expected != actual and "T" in expected:
        try:
            if datetime.datetime.fromisoformat(expected) == datetime.datetime.fromisoformat(actual):
                return None
        except ValueError:
            pass
    if type(expected) is type(actual) and expected == actual:
        return None
    return f"{at}: expected {expected!r}, got {actual!r}"


def unknown_keys(value, at="$"):
    """Where a decoded value holds example keys its model did not recognise: a model with
    declared fields keeps unknown keys in `additional_properties`, which would hide a wire
    name the generator got wrong behind a round trip that looks fine."""
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in unknown_keys(v, f"{at}[{i}]")]
    if not attrs.has(type(value)):
        return []
    fields = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
    found = []
    extra = getattr(value, "additional_properties", {})
    if fields and extra:
        found.append(f"{at}: {type(value).__name__} did not recognise {sorted(extra)}")
    for name in fields:
        found += unknown_keys(getattr(value, name), f"{at}.{name}")
    return found


def main(parent, package, examples_path):
    sys.path.insert(0, parent)
    root = importlib.import_module(package)
    modules = [root]
    for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
        modules.append(importlib.import_module(info.name))
    models = importlib.import_module(f"{package}.models")

    failures = []
    examples = json.load(open(examples_path, encoding="utf-8"))
    for item in examples:
        where, name, example = item["where"], item["schema"], item["example"]
        model = getattr(models, name, None)
        try:
            if model is not None:
                decoded = model.from_dict(example)
                encoded = decoded.to_dict()
            elif isinstance(example, list):
                # A top-level array schema gets no model; its items do.
                item_model = getattr(models, name.removesuffix("List"))
                decoded = [item_model.from_dict(e) for e in example]
                encoded = [d.to_dict() for d in decoded]
            elif isinstance(example, (str, int, float, bool)):
                # A plain (open-enumeration) string schema gets no model: the client types it
                # as `str`, which takes any value, listed or not.
                decoded = encoded = example
            else:
                failures.append(f"{where}: no model {name}")
                continue
        except Exception as error:  # noqa: BLE001 - any failure to decode is the finding
            failures.append(f"{where}: {name} does not decode: {error!r}")
            continue
        difference = same(example, encoded)
        if difference:
            failures.append(f"{where}: {name}: {difference}")
        failures += [f"{where}: {found}" for found in unknown_keys(decoded)]
    if failures:
        print("\n".join(failures), file=sys.stderr)
        sys.exit(1)
    print(len(modules), len(examples))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
