"""The spec's examples, each with the named schema it must fit, and the checks that other
generators' types accept them: a TypeScript file for `tsc --strict`, and Rust round-trip tests
for the crate that openapi-generator makes.

    python spec_examples.py json SPEC                 # the examples, as JSON, to stdout
    python spec_examples.py typescript SPEC OUT.ts    # `const e: Schemas["X"] = <example>;`
    python spec_examples.py rust SPEC CRATE_DIR       # CRATE_DIR/tests/spec_examples.rs

Only examples whose schema is a `$ref` to `components.schemas` are taken (all of them here):
they name the type a generated client must decode them into.
"""

import json
import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

REF = "#/components/schemas/"


def load(spec_path):
    return YAML(typ="safe").load(Path(spec_path).read_text(encoding="utf-8"))


def deref(spec, node):
    """Follows `$ref`s (of any component kind) until a plain node."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def examples(spec):
    """(where, schema name, example) for every example tied to a named schema, each distinct
    pair once (the shared error responses repeat theirs under every operation)."""
    seen = set()
    found = []
    for where, name, example in all_examples(spec):
        key = (name, json.dumps(example, sort_keys=True))
        if key not in seen:
            seen.add(key)
            found.append((where, name, example))
    return found


UNKNOWN = "a_value_the_spec_does_not_list"


def with_unknown_values(spec, schema, value):
    """`value` with every string of an open enumeration (`x-extensible-enum`) replaced by one
    the spec does not list, and how many were replaced: a client generated from the spec must
    accept values the platform adds later."""
    schema = deref(spec, schema)
    if isinstance(value, str) and "x-extensible-enum" in schema:
        return UNKNOWN, 1
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        out, count = {}, 0
        for key, child in value.items():
            if key in properties:
                out[key], n = with_unknown_values(spec, properties[key], child)
                count += n
            else:
                out[key] = child
        return out, count
    if isinstance(value, list) and "items" in schema:
        pairs = [with_unknown_values(spec, schema["items"], item) for item in value]
        return [v for v, _ in pairs], sum(n for _, n in pairs)
    return value, 0


def all_examples(spec):
    for where, name, example in documented_examples(spec):
        yield where, name, example
        changed, count = with_unknown_values(spec, {"$ref": REF + name}, example)
        if count:
            yield f"{where}, with {count} unlisted enumeration value(s)", name, changed


def documented_examples(spec):
    for name, schema in spec["components"]["schemas"].items():
        if "example" in schema:
            yield f"components.schemas.{name}", name, schema["example"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            where = f"{op['operationId']} ({method.upper()} {path})"
            bodies = []
            if "requestBody" in op:
                bodies.append(("request", deref(spec, op["requestBody"])))
            for status, response in op["responses"].items():
                bodies.append((status, deref(spec, response)))
            for label, body in bodies:
                media = body.get("content", {}).get("application/json")
                if not media or "example" not in media:
                    continue
                ref = media.get("schema", {}).get("$ref", "")
                if not ref.startswith(REF):
                    raise SystemExit(f"{where} {label}: the example's schema is not a named schema")
                yield f"{where} {label}", ref[len(REF):], media["example"]


def typescript(spec, out):
    lines = [
        "// The spec's examples, typed with the types openapi-typescript generated: `tsc --strict`",
        "// rejects any example whose keys, nullability or values the types do not allow.",
        'import type { components } from "./schema";',
        'type Schemas = components["schemas"];',
        "",
    ]
    count = 0
    for count, (where, name, example) in enumerate(examples(spec), start=1):
        lines.append(f"// {where}")
        lines.append(f'export const example{count}: Schemas["{name}"] = {json.dumps(example, ensure_ascii=False, indent=2)};')
    Path(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(count)


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def rust_type(spec, crate, name):
    """The Rust type openapi-generator gives the schema `name`."""
    schema = spec["components"]["schemas"][name]
    if (Path(crate) / "src" / "models" / f"{snake(name)}.rs").exists():
        return f"models::{name}"
    if schema.get("type") == "array":
        item = schema["items"]["$ref"][len(REF):]
        return f"Vec<{rust_type(spec, crate, item)}>"
    if schema.get("type") == "string":
        return "String"
    if schema.get("type") == "object" and "properties" not in schema:
        return "std::collections::HashMap<String, serde_json::Value>"
    raise SystemExit(f"no Rust type for the schema {name}")


def rust(spec, crate):
    crate_name = re.search(r'^name = "([^"]+)"', (Path(crate) / "Cargo.toml").read_text(), re.M)[1]
    out = [
        "//! The spec's examples decode into the generated types and encode back to the same JSON:",
        "//! the wire names (such as `first_page?`) and nullability survive a round trip.",
        f"use {crate_name}::models;",
        "",
        "fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(where_: &str, example: &str) {",
        "    let expected: serde_json::Value = serde_json::from_str(example).expect(where_);",
        "    let decoded: T = serde_json::from_value(expected.clone())",
        '        .unwrap_or_else(|e| panic!("{where_}: does not decode: {e}"));',
        '    let encoded = serde_json::to_value(&decoded).expect("encodes");',
        '    assert_eq!(encoded, expected, "{where_}: the round trip changed the example");',
        "}",
        "",
    ]
    count = 0
    for count, (where, name, example) in enumerate(examples(spec), start=1):
        text = json.dumps(example, ensure_ascii=False)
        out += [
            "#[test]",
            f"fn example_{count}_{snake(name)}() {{",
            f"    round_trip::<{rust_type(spec, crate, name)}>({json.dumps(where)}, r###\"{text}\"###);",
            "}",
            "",
        ]
    tests = Path(crate) / "tests"
    tests.mkdir(exist_ok=True)
    (tests / "spec_examples.rs").write_text("\n".join(out), encoding="utf-8")
    print(count)


def main(argv):
    if len(argv) < 3:
        raise SystemExit(__doc__)
    command, spec = argv[1], load(argv[2])
    if command == "json":
        json.dump([{"where": w, "schema": n, "example": e} for w, n, e in examples(spec)], sys.stdout, ensure_ascii=False)
    elif command == "typescript" and len(argv) == 4:
        typescript(spec, argv[3])
    elif command == "rust" and len(argv) == 4:
        rust(spec, argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
