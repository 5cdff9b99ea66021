#!/bin/bash
# usage: cpurun.sh TAG SETUP RATE [env...]: cpu seconds per 1000 presses by process group during the press step
TAG=$1; SETUP=$2; RATE=$3; shift 3
cd /work/main; ulimit -n 20000
python3 .scratch/cpusample.py /tmp/cpu-$TAG.tsv & SP=$!
env "$@" npm run -s bench -- capacity --json --setup $SETUP --from $RATE --max $RATE --seconds 15 2>&1 | while IFS= read -r l; do echo "$(date +%s.%N | cut -c1-14) $l"; done > /tmp/cap-$TAG.log
kill $SP
T0=$(grep 'connections in' /tmp/cap-$TAG.log | cut -d' ' -f1); T1=$(grep -- '-> ' /tmp/cap-$TAG.log | cut -d' ' -f1)
N=$(grep -o 'sent [0-9]* presses' /tmp/cap-$TAG.log | grep -o '[0-9]*')
grep -- '-> ' /tmp/cap-$TAG.log | cut -c15-
echo "presses $N"
python3 .scratch/cpuwin.py /tmp/cpu-$TAG.tsv $T0 $T1 | grep -E 'waitwell.mjs|postgres|redis|tsx/dist' | awk -v n=$N '{printf "%s  %.3f ms/press  %s %s %s %s\n", $1, $1*1000/n, $2, $3, $4, $5}'
