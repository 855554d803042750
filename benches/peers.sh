#!/usr/bin/env bash
# loadlab vs wrk and oha in the same run (see peers.py for the method). Installs the peers
# when missing: `apt-get install wrk nginx`, `cargo install oha --locked` (about 5 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null && command -v nginx >/dev/null || apt-get install -y -qq wrk nginx
command -v oha >/dev/null || [ -x ~/.cargo/bin/oha ] || cargo install oha --locked
cargo build --release --locked
exec python3 benches/peers.py "$@"
