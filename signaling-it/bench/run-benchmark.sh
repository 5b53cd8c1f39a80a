#!/usr/bin/env bash
# Compares this server, PeerJS server 1.0.2 and the bare Jetty floor relay under the same load,
# side by side in one run, and writes the results table and plot into docs/benchmarks.md and
# docs/benchmarks/latency.png. Run from anywhere; takes about ten minutes.
#
#   signaling-it/bench/run-benchmark.sh            # full run
#   signaling-it/bench/run-benchmark.sh --smoke    # a few seconds, writes under signaling-it/target/
#
# Extra arguments go to `java -jar signaling-load.jar bench` (for example --rates 5000,10000).
# Needs Java 17 and Maven; Node.js and npm for PeerJS (skipped with a note if node is missing).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ ! -f signaling-server/target/signaling-server.jar ] || [ ! -f signaling-it/target/signaling-load.jar ]; then
  mvn -B -q package -DskipTests
fi

peerjs=()
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  dir=signaling-it/target/peerjs
  if [ ! -f "$dir/node_modules/peer/dist/bin/peerjs.js" ]; then
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-audit --no-fund --silent peer@1.0.2
  fi
  peerjs=(--peerjs-dir "$dir")
else
  echo "node/npm not found: PeerJS server left out of this run" >&2
fi

# The load tool holds up to 19000 client sockets; each server process as many.
ulimit -n 20000 2>/dev/null || true

exec java -jar signaling-it/target/signaling-load.jar bench "${peerjs[@]}" "$@"
