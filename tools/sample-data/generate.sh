#!/usr/bin/env bash
# Rebuilds the sample data set in tools/sample-data/catalog: one year of deterministic 1-minute bars for
# five US symbols (AAPL MSFT NVDA AMZN GOOGL, Nasdaq sessions in New York time with DST and half days)
# and three KRX symbols (005930 000660 035420, KRX sessions), none on holidays; a seeded random walk, not
# market history. The same seed and year give the same bytes on every machine (a test pins the SHA-256
# of 2025 / seed 42), so the committed catalog can always be rebuilt and compared.
#
#   tools/sample-data/generate.sh              # seed 42, 2025
#   SEED=7 YEAR=2024 tools/sample-data/generate.sh
#   KEEP_CSV=/tmp/bars.csv tools/sample-data/generate.sh   # also keep the CSV (about 46 MB; never commit it)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seed="${SEED:-42}"
year="${YEAR:-2025}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build -c Release "$root/src/Orchestrator.Daemon" -nologo -v quiet
orchestrator() { dotnet "$root/src/Orchestrator.Daemon/bin/Release/net10.0/orchestrator.dll" "$@"; }

orchestrator data generate --out "$work/bars.csv" --seed "$seed" --year "$year"
if [[ -n "${KEEP_CSV:-}" ]]; then
  cp "$work/bars.csv" "$KEEP_CSV"
fi

data_help="$(orchestrator data --help 2>/dev/null || true)"
if ! grep -qE "^[[:space:]]+import[[:space:]]" <<<"$data_help"; then
  echo "generate.sh: this build has no 'orchestrator data import' (the catalog of issue 20); nothing imported" >&2
  exit 1
fi

# Import into a new catalog next to the old one, then swap: an interrupted run leaves the old one whole.
rm -rf "$here/catalog.new"
orchestrator data import --from "$work/bars.csv" --catalog "$here/catalog.new" --compression zstd
orchestrator data verify --catalog "$here/catalog.new"
rm -rf "$here/catalog"
mv "$here/catalog.new" "$here/catalog"
orchestrator data list --catalog "$here/catalog"
