#!/usr/bin/env bash
# Generates clients in other languages from openapi/securities-api.yaml with tools nobody here
# wrote, and checks that each one works: the spec is a contract for other teams too.
#
#   scripts/interop.sh setup        # pinned tools: `npm ci`, and a venv in .venv-interop/
#   scripts/interop.sh              # the three generators below (after setup)
#   scripts/interop.sh typescript   # openapi-typescript, then `tsc --strict --noEmit`
#   scripts/interop.sh python       # openapi-python-client, then every module imports
#   scripts/interop.sh rust         # openapi-generator `-g rust`, then `cargo build`
#
# Beyond "it compiles", each generator's types must accept every example of the spec and (for
# the two that decode) give it back unchanged, so that wire names such as `first_page?` and
# nullable fields survive. Generated code goes to target/interop/ (git-ignored), never into
# the repository; the Rust client is a crate of its own there, outside the workspace.
# INTEROP_UPDATE_LOCK=1 re-resolves that crate's dependencies and saves the new lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

SPEC=openapi/securities-api.yaml
HERE=scripts/interop
VENV=.venv-interop
OUT=target/interop
PYTHON=python3.11
RUST_CRATE=securities_api_openapi_generator
RUST_LOCK=$HERE/openapi-generator-rust.Cargo.lock

die() { printf 'interop: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1fs", e - s }'; }
need() { command -v "$1" >/dev/null || die "$1 is not installed ($2)"; }

setup() {
    need node "Node.js, for openapi-typescript, tsc and Prism"
    need npm "npm, for the pinned Node tools"
    need "$PYTHON" "Python 3.11, for openapi-python-client and openapi-generator-cli"
    need java "a Java runtime (17 or later), for openapi-generator"
    local start
    start=$(now)
    npm ci --no-audit --no-fund --loglevel=error
    if [ ! -x "$VENV/bin/python" ]; then
        "$PYTHON" -m venv "$VENV"
    fi
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    echo "interop setup: npm ci and pip install done ($(since "$start"))"
}

tools_ready() {
    [ -x node_modules/.bin/openapi-typescript ] && [ -x "$VENV/bin/openapi-python-client" ] ||
        die "the tools are missing: run \`scripts/interop.sh setup\` first"
}

examples_json() {
    mkdir -p "$OUT"
    "$VENV/bin/python" "$HERE/spec_examples.py" json "$SPEC" >"$OUT/examples.json"
}

run_typescript() {
    local start dir files lines examples version tsc_version
    start=$(now)
    dir=$OUT/typescript
    rm -rf "$dir" && mkdir -p "$dir"
    version=$(node_modules/.bin/openapi-typescript --version | tr -d 'v')
    tsc_version=$(node_modules/.bin/tsc --version | awk '{ print $2 }')
    node_modules/.bin/openapi-typescript "$SPEC" --output "$dir/schema.d.ts" >"$dir/generate.log" 2>&1 ||
        { cat "$dir/generate.log"; die "typescript: openapi-typescript failed"; }
    examples=$("$VENV/bin/python" "$HERE/spec_examples.py" typescript "$SPEC" "$dir/examples.ts")
    # No ambient `@types/*`: the check is about the generated file alone, as another team
    # would compile it, not about whatever type packages this repository's tools pulled in.
    cat >"$dir/tsconfig.json" <<'EOF'
{
  "compilerOptions": { "target": "es2020", "module": "esnext", "moduleResolution": "bundler", "types": [] },
  "files": ["schema.d.ts", "examples.ts"]
}
EOF
    node_modules/.bin/tsc --project "$dir/tsconfig.json" --strict --noEmit ||
        die "typescript: tsc --strict rejects the generated types or the spec's examples"
    lines=$(wc -l <"$dir/schema.d.ts")
    files=$(find "$dir" -name '*.d.ts' | wc -l)
    echo "interop typescript: openapi-typescript $version -> $files file, $lines lines;" \
        "tsc $tsc_version --strict --noEmit: 0 errors, $examples spec examples type-check ($(since "$start"))"
}

run_python() {
    local start dir log package modules api_modules model_modules result version
    start=$(now)
    dir=$OUT/python
    package=securities_api_client
    rm -rf "$dir" && mkdir -p "$dir"
    version=$("$VENV/bin/pip" show openapi-python-client | awk '/^Version:/ { print $2 }')
    log=$dir/generate.log
    # The generator formats its output with the ruff of the venv, found on PATH.
    PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate --path "$SPEC" \
        --meta none --output-path "$dir/$package" --fail-on-warning >"$log" 2>&1 ||
        { cat "$log"; die "python: openapi-python-client failed"; }
    if grep -qi 'warning' "$log"; then
        cat "$log"
        die "python: openapi-python-client warned"
    fi
    api_modules=$(find "$dir/$package/api" -name '*.py' ! -name '__init__.py' | wc -l)
    model_modules=$(find "$dir/$package/models" -name '*.py' ! -name '__init__.py' | wc -l)
    examples_json
    result=$("$VENV/bin/python" "$HERE/check_python_client.py" "$dir" "$package" "$OUT/examples.json") ||
        die "python: the generated client fails its checks (above)"
    read -r modules examples <<<"$result"
    echo "interop python: openapi-python-client $version -> $api_modules operation modules," \
        "$model_modules model modules, 0 warnings; $modules modules import;" \
        "$examples spec examples round-trip ($(since "$start"))"
}

# cargo in the generated crate, with its own target directory (kept between runs), rustls
# rather than the default native-tls (no OpenSSL headers needed, as for this crate), and no
# debug info, which saves about a third of the build and which nobody needs here.
generated_cargo() {
    local command=$1
    shift
    (cd "$OUT/rust/crate" && CARGO_TARGET_DIR="../../rust-target" CARGO_PROFILE_DEV_DEBUG=0 \
        cargo "$command" --no-default-features --features rustls "$@")
}

run_rust() {
    local start dir log warnings unknown version operations models build_start build_time
    start=$(now)
    need java "a Java runtime (17 or later), for openapi-generator"
    need cargo "cargo, to build the generated client"
    dir=$OUT/rust
    rm -rf "$dir" && mkdir -p "$dir"
    version=$("$VENV/bin/openapi-generator-cli" version)
    log=$dir/generate.log
    "$VENV/bin/openapi-generator-cli" validate -i "$SPEC" >"$dir/validate.log" 2>&1 ||
        { cat "$dir/validate.log"; die "rust: openapi-generator finds the spec invalid"; }
    # The spec's `info.version` ("2022-12") is not a semantic version, and the generator would
    # make it the crate's version, which cargo refuses: give the crate one of its own.
    "$VENV/bin/openapi-generator-cli" generate -g rust -i "$SPEC" -o "$dir/crate" \
        --package-name "$RUST_CRATE" \
        --additional-properties=packageVersion=0.0.0,library=reqwest,supportAsync=true \
        >"$log" 2>&1 || { cat "$log"; die "rust: openapi-generator failed"; }
    # Three warnings are expected and harmless, anything else fails:
    # - "ApplicationJson cannot be used as a model name": the generator says it for every JSON
    #   response, even in a one-operation spec;
    # - "TextHtml cannot be used as a model name. Renamed to TextSlashHtml": the same, for the
    #   `text/html` body that every shared error response lists beside the JSON one;
    # - "first_page? cannot be used as a field/variable name. Renamed to
    #   first_page_question_mark" (and last_page?): the Rust field is renamed, the wire name is
    #   kept by `#[serde(rename = "first_page?")]`, which the round trip below proves.
    warnings=$(grep -c 'WARN' "$log" || true)
    unknown=$(grep 'WARN' "$log" |
        grep -v -e 'ApplicationJson cannot be used as a model name' \
            -e 'TextHtml cannot be used as a model name' \
            -e '\(first\|last\)_page? cannot be used as a field/variable name' || true)
    [ -z "$unknown" ] || { echo "$unknown"; die "rust: openapi-generator warned about the spec"; }
    operations=$(grep -ho '^pub async fn [a-z_]*' "$dir"/crate/src/apis/*_api.rs | wc -l)
    models=$(find "$dir/crate/src/models" -name '*.rs' ! -name 'mod.rs' | wc -l)

    # A crate of its own, not a member of this workspace; its dependencies are pinned by a
    # lock file kept here, so that CI builds what was reviewed.
    printf '\n[workspace]\n' >>"$dir/crate/Cargo.toml"
    local examples locked=--locked
    examples=$("$VENV/bin/python" "$HERE/spec_examples.py" rust "$SPEC" "$dir/crate")
    if [ "${INTEROP_UPDATE_LOCK:-}" = 1 ]; then
        cp Cargo.lock "$dir/crate/Cargo.lock"
        locked=
    else
        cp "$RUST_LOCK" "$dir/crate/Cargo.lock"
    fi
    build_start=$(now)
    generated_cargo build $locked --quiet || die "rust: the generated client does not build"
    build_time=$(since "$build_start")
    generated_cargo test $locked --quiet --test spec_examples >"$dir/test.log" 2>&1 ||
        { cat "$dir/test.log"; die "rust: the spec's examples do not round-trip through the generated types"; }
    if [ "${INTEROP_UPDATE_LOCK:-}" = 1 ]; then
        cp "$dir/crate/Cargo.lock" "$RUST_LOCK"
        echo "interop rust: saved $RUST_LOCK"
    fi
    echo "interop rust: openapi-generator $version (-g rust, reqwest) -> $operations operations," \
        "$models models, $warnings known warnings; cargo build ok ($build_time);" \
        "$examples spec examples round-trip ($(since "$start"))"
}

case "${1:-all}" in
    setup) setup ;;
    typescript) tools_ready && run_typescript ;;
    python) tools_ready && run_python ;;
    rust) tools_ready && run_rust ;;
    all) tools_ready && run_typescript && run_python && run_rust ;;
    *) die "unknown command ${1}: setup, typescript, python, rust or all" ;;
esac
