#!/bin/bash
# Crash torture driver: runs the crash_torture example round after round, killing it with SIGKILL
# at random moments (during open and login, among calls, and 20% of rounds during its clean
# shutdown), and stops at the first round whose start-up check fails, keeping that store and
# journal as DIR/data.fail.N and DIR/journal.fail.N. See the example's header for what is checked.
#
#   cargo build --release -p tim-bench --example crash_torture
#   crates/tim-bench/scripts/crash_torture.sh /tmp/torture 1 500; tail DIR/rounds
#
# TORTURE (default target/release/examples/crash_torture) names the program.
set -u
D=$1; FIRST=$2; LAST=$3
T=${TORTURE:-target/release/examples/crash_torture}
mkdir -p "$D"
for r in $(seq "$FIRST" "$LAST"); do
  p=$((RANDOM % 100))
  rm -f "$D/journal.ready" "$D/journal.stopping"
  if [ $p -lt 20 ]; then
    TORTURE_STOP_AFTER=$((RANDOM % 120)) "$T" "$D/data" "$D/journal" "$r" 2>>"$D/log" & pid=$!
    for _ in $(seq 1 1000); do [ -e "$D/journal.stopping" ] && break; sleep 0.005; done
    ms=$((RANDOM % 12)); sleep "$(printf '0.%03d' $ms)"; ms="stop+$ms"
  else
    if [ $p -lt 32 ]; then ms=$((RANDOM % 10)); elif [ $p -lt 75 ]; then ms=$((10 + RANDOM % 290)); else ms=$((300 + RANDOM % 700)); fi
    "$T" "$D/data" "$D/journal" "$r" 2>>"$D/log" & pid=$!
    # Mostly from when the journal is read back; one round in ten from the process start.
    if [ $((RANDOM % 10)) -ne 0 ]; then
      for _ in $(seq 1 500); do [ -e "$D/journal.ready" ] && break; sleep 0.01; done
    fi
    if [ "$ms" -ge 1000 ]; then sleep 1; else sleep "$(printf '0.%03d' "$ms")"; fi
  fi
  kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null; rc=$?
  echo "round $r ms=$ms rc=$rc" >> "$D/rounds"
  if [ $rc -ne 0 ] && [ $rc -ne 137 ]; then
    echo "STOP at round $r rc=$rc" >> "$D/rounds"
    cp -r "$D/data" "$D/data.fail.$r"; cp "$D/journal" "$D/journal.fail.$r"
    exit 1
  fi
done
echo done >> "$D/rounds"
