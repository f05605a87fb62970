#!/usr/bin/env bash
# A consumer's clean debug build: a new binary crate that depends on this crate by path and
# makes one call, against the same binary written with the client openapi-generator makes
# from the same spec (the pinned generator of scripts/interop). Each is built in an empty
# target directory, in alternating order, RUNS times (default 3); crates.io sources must be
# downloaded already (a first run does that). Prints a Markdown table for BENCHMARKS.md.
#
#   bash scripts/interop.sh setup          # once: the pinned openapi-generator (needs Java)
#   bash scripts/consumer-build.sh         # RUNS=5 FEATURES="..." to vary
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/consumer-build
RUNS=${RUNS:-3}
VENV=.venv-interop
[ -x "$VENV/bin/openapi-generator-cli" ] || { echo "run \`bash scripts/interop.sh setup\` first" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"

# The openapi-generator client, as scripts/interop.sh makes it (reqwest, async, rustls).
"$VENV/bin/openapi-generator-cli" generate -g rust -i openapi/securities-api.yaml -o "$OUT/ogen-client" \
    --package-name securities_ogen \
    --additional-properties=packageVersion=0.0.0,library=reqwest,supportAsync=true >"$OUT/ogen.log" 2>&1
printf '\n[workspace]\n' >>"$OUT/ogen-client/Cargo.toml"

consumer() { # name, dependency line, main.rs body
    mkdir -p "$OUT/$1/src"
    cat >"$OUT/$1/Cargo.toml" <<TOML
[package]
name = "$1"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
$2
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }

[workspace]
TOML
    printf '%s\n' "$3" >"$OUT/$1/src/main.rs"
}

consumer this-consumer "securities-api = { path = \"$ROOT\" }" '
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = securities_api::Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9")
        .build()?;
    let proposal = client.get_proposal().id(5120).call().await?;
    println!("{:?}", proposal.proposal.number);
    Ok(())
}'
consumer ogen-consumer "securities_ogen = { path = \"$OUT/ogen-client\", default-features = false, features = [\"rustls\"] }" '
use securities_ogen::apis::{configuration::Configuration, proposals_api};
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = Configuration::new();
    config.base_path = "http://127.0.0.1:9".into();
    config.bearer_access_token = Some("t".into());
    let proposal = proposals_api::get_proposal(&config, 5120).await?;
    println!("{:?}", proposal.proposal.number);
    Ok(())
}'
# Same dependency versions as this repository's CI, where they overlap: each consumer starts
# from the lock file its client is built with (cargo adds the consumer itself).
cp Cargo.lock "$OUT/this-consumer/Cargo.lock"
cp scripts/interop/openapi-generator-rust.Cargo.lock "$OUT/ogen-consumer/Cargo.lock"
for crate in this-consumer ogen-consumer; do
    (cd "$OUT/$crate" && cargo fetch --quiet)
done

build() { # name -> "seconds crates"
    local dir=$OUT/$1 target start end crates
    target=$(mktemp -d "$OUT/target-$1.XXXX")
    start=$(date +%s.%N)
    crates=$(cd "$dir" && CARGO_TARGET_DIR="$target" cargo build --quiet --message-format=json 2>/dev/null |
        grep -c '"reason":"compiler-artifact"' || true)
    end=$(date +%s.%N)
    rm -rf "$target"
    awk -v s="$start" -v e="$end" -v c="$crates" 'BEGIN { printf "%.1f %d\n", e - s, c }'
}

echo "| run | this crate | openapi-generator's | ratio |"
echo "|---|---|---|---|"
for run in $(seq 1 "$RUNS"); do
    if [ $((run % 2)) = 1 ]; then
        read -r this_s this_c <<<"$(build this-consumer)"
        read -r ogen_s ogen_c <<<"$(build ogen-consumer)"
    else
        read -r ogen_s ogen_c <<<"$(build ogen-consumer)"
        read -r this_s this_c <<<"$(build this-consumer)"
    fi
    awk -v r="$run" -v a="$this_s" -v ac="$this_c" -v b="$ogen_s" -v bc="$ogen_c" \
        'BEGIN { printf "| %d | %.1f s, %d crates | %.1f s, %d crates | %.2f |\n", r, a, ac, b, bc, a / b }'
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
