#!/usr/bin/env bash
# Comparative benchmarks of issue 11, run by `make bench` (scripts/bench.sh):
#   1. full session vs swaks, on loopback, whole-process wall time;
#   2. round trips through bench/cmd/delayproxy (BENCH_DELAY_MS each way):
#      smtpprobe's default send (pipelined when the server offers PIPELINING),
#      --no-pipelining (lock-step, opt-in) and --chunking, next to swaks'
#      default and --pipeline;
#   3. `smtpprobe mx` vs `dig MX` against the same loopback DNS server;
#   4. every MX: five `smtpprobe listen` hosts, one slow, --all-mx vs the sum;
#   6. the floor: `smtpprobe send` vs a bare net/smtp program, in clear and
#      with STARTTLS, alternating, and the knowledge-load time (issue 15);
#   plus the Go benchmarks of the reply reader and the message builder.
# Everything listens on 127.0.0.0/8 only and is stopped on exit (by pid).
# Raw results go to bench/results/<UTC stamp>/ (gitignored); the report is
# written to docs/benchmarks.md by bench/report.py.
#
# Knobs: BENCH_RUNS (default 20), BENCH_WARMUP (3), BENCH_DELAY_MS (25),
# BENCH_SLOW (banner delay of the slow MX host, default 2s),
# BENCH_DOC (report path, default docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNS=${BENCH_RUNS:-20}
WARMUP=${BENCH_WARMUP:-3}
DELAY_MS=${BENCH_DELAY_MS:-25}
SLOW=${BENCH_SLOW:-2s}
DOC=${BENCH_DOC:-$ROOT/docs/benchmarks.md}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
OUT=$ROOT/bench/results/$STAMP
mkdir -p "$OUT"

WORK=$(mktemp -d /tmp/smtpprobe-bench.XXXXXX)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# --- tools: install only what is missing, as scripts/setup.sh does ---------
missing=()
command -v swaks >/dev/null 2>&1 || missing+=(swaks)
command -v dig >/dev/null 2>&1 || missing+=(dnsutils)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v timeout >/dev/null 2>&1 || missing+=(coreutils)
if [ ${#missing[@]} -gt 0 ]; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	log "installing ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- build once --------------------------------------------------------------
log "building smtpprobe and the bench helpers into $WORK/bin"
mkdir -p "$WORK/bin"
go build -o "$WORK/bin/smtpprobe" ./cmd/smtpprobe
go build -o "$WORK/bin/" ./bench/cmd/delayproxy ./bench/cmd/dnsserve
SP=$WORK/bin/smtpprobe

# start NAME CMD...: runs CMD in the background with its output in
# $WORK/NAME.out, remembers its pid, and waits (at most 10 s) for its
# "listening on ADDR" line; the address is left in $ADDR.
start() {
	local name=$1
	shift
	# Create the files first: the background job opens them in its own
	# time, and the poll below must not race it.
	: >"$WORK/$name.out"
	: >"$WORK/$name.err"
	# timeout bounds every server's life even if this script is killed
	# with SIGKILL and its trap never runs; killing timeout stops the server.
	timeout 900 "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
	PIDS+=("$!")
	local i
	for i in $(seq 100); do
		ADDR=$(sed -n 's/^listening on \([^ ]*\).*/\1/p' "$WORK/$name.out" | head -1)
		if [ -n "$ADDR" ]; then
			return 0
		fi
		if ! kill -0 "$!" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	log "$name did not start:"
	cat "$WORK/$name.err" >&2
	exit 1
}

# bench NAME [hyperfine args] CMD...: hyperfine without a shell, JSON and
# Markdown into $OUT, bounded in time.
bench() {
	local name=$1
	shift
	log "hyperfine: $name"
	# Keep each -n NAME with its exact command line for the report.
	local args=("$@") i
	: >"$OUT/commands-$name.txt"
	for ((i = 0; i < ${#args[@]} - 2; i++)); do
		if [ "${args[i]}" = "-n" ]; then
			printf '%s\t%s\n' "${args[i + 1]}" "${args[i + 2]}" >>"$OUT/commands-$name.txt"
		fi
	done
	timeout 600 hyperfine -N --style basic --export-json "$OUT/$name.json" "$@" >"$OUT/$name.txt"
}

# --- inputs ------------------------------------------------------------------
# A 1 KB body: 16 lines of 63 characters plus LF.
BODY=$WORK/body.txt
for i in $(seq -w 1 16); do
	printf '%-63.63s\n' "Line $i of the benchmark body: the quick brown fox jumps over the lazy dog"
done >"$BODY"
[ "$(wc -c <"$BODY")" -eq 1024 ] || { log "body is not 1024 bytes"; exit 1; }

# --- item 1: full session vs swaks on loopback ------------------------------
start listen "$SP" listen --addr 127.0.0.1:0 --lang en
SMTP=$ADDR
log "smtpprobe listen on $SMTP"

# The same envelope, body and EHLO name for both tools. swaks adds its own
# headers; smtpprobe builds From/To/Subject/Date/Message-ID.
COMMON_FROM=bench@client.test
COMMON_TO=user@bench.test
sp_send() { echo "$SP send --server $1 --from $COMMON_FROM --to $COMMON_TO --subject bench --body-file $BODY --helo client.test --lang en --timeout-banner 30s --timeout-command 30s ${*:2}"; }
sw_send() { echo "swaks --server $1 --from $COMMON_FROM --to $COMMON_TO --helo client.test --h-Subject bench --body @$BODY --timeout 30s ${*:2}"; }

# Check that every variant really delivers before timing it.
for cmd in "$(sp_send "$SMTP")" "$(sp_send "$SMTP" --no-pipelining)" "$(sp_send "$SMTP" --chunking)" "$(sw_send "$SMTP")" "$(sw_send "$SMTP" --pipeline)"; do
	$cmd >"$WORK/check.out" 2>&1 || { log "check failed: $cmd"; cat "$WORK/check.out" >&2; exit 1; }
	grep -q '250 2.0.0 OK: queued' "$WORK/check.out" || { log "no 250 after the dot: $cmd"; cat "$WORK/check.out" >&2; exit 1; }
done

bench session-loopback --warmup "$WARMUP" --runs "$((RUNS * 2))" \
	-n swaks "$(sw_send "$SMTP")" \
	-n swaks-pipeline "$(sw_send "$SMTP" --pipeline)" \
	-n smtpprobe "$(sp_send "$SMTP")" \
	-n smtpprobe-no-pipelining "$(sp_send "$SMTP" --no-pipelining)" \
	-n smtpprobe-chunking "$(sp_send "$SMTP" --chunking)"

# --- where smtpprobe's own time goes -----------------------------------------
# The session's own clock (--json transcript) shows each gap between a reply
# and the next command; perf, when the kernel lets us, shows what runs there.
log "profile: $RUNS sessions with --json, then perf record"
mkdir -p "$OUT/json"
for i in $(seq "$RUNS"); do
	$(sp_send "$SMTP") --json >"$OUT/json/$i.json"
done
if command -v perf >/dev/null 2>&1 &&
	perf record -q -F 20000 -g -o "$WORK/perf.data" -- bash -c "for i in \$(seq $RUNS); do $(sp_send "$SMTP") >/dev/null; done" >/dev/null 2>&1; then
	perf report -i "$WORK/perf.data" --comm smtpprobe --children --sort symbol --stdio -g none 2>/dev/null |
		grep '%' | grep -v '^#' | head -60 | sed 's/[[:space:]]*$//' >"$OUT/perf-children.txt" || true
else
	log "perf not usable here; skipping the profile"
fi
bench process-start --warmup "$WARMUP" --runs "$((RUNS * 2))" \
	-n smtpprobe-version "$SP version"

# --- the floor: smtpprobe send vs a bare net/smtp program (issue 15) --------
# The same EHLO/MAIL/RCPT/DATA/QUIT to the same receiver, in clear and with
# STARTTLS, run alternately (bench/alternate.py) so load changes hit both.
log "floor: smtpprobe send vs bench/cmd/netsmtpfloor, alternating"
go build -o "$WORK/bin/" ./bench/cmd/netsmtpfloor
start listen-tls "$SP" listen --addr 127.0.0.1:0 --tls --lang en
SMTP_TLS=$ADDR
floor() { echo "$WORK/bin/netsmtpfloor -server $1 -from $COMMON_FROM -to $COMMON_TO -helo client.test -subject bench -body-file $BODY ${*:2}"; }
for cmd in "$(floor "$SMTP")" "$(floor "$SMTP_TLS" -starttls)" "$(floor "$SMTP_TLS" -starttls -check-chain)" "$(sp_send "$SMTP" --tls none)" "$(sp_send "$SMTP_TLS" --tls starttls --insecure-skip-verify)"; do
	$cmd >"$WORK/check.out" 2>&1 || { log "check failed: $cmd"; cat "$WORK/check.out" >&2; exit 1; }
done
timeout 900 python3 bench/alternate.py --rounds "$((RUNS * 2))" --warmup "$WARMUP" --out "$OUT/floor.json" \
	"floor=$(floor "$SMTP")" \
	"smtpprobe-tls-none=$(sp_send "$SMTP" --tls none)" \
	"floor-starttls=$(floor "$SMTP_TLS" -starttls)" \
	"floor-starttls-check-chain=$(floor "$SMTP_TLS" -starttls -check-chain)" \
	"smtpprobe-starttls=$(sp_send "$SMTP_TLS" --tls starttls --insecure-skip-verify)"
# What loading the explanations' knowledge costs, in process (Go benchmark).
go test -run '^$' -bench 'LoadKnowledge' -benchmem -count 5 ./backend/diagnose >"$OUT/go-bench-knowledge.txt"

# --- item 2: round trips through the delay proxy -----------------------------
variants=(swaks swaks-pipeline smtpprobe smtpprobe-no-pipelining smtpprobe-chunking)
for v in "${variants[@]}"; do
	: >"$OUT/flights-$v.jsonl"
	start "proxy-$v" "$WORK/bin/delayproxy" -target "$SMTP" -delay "${DELAY_MS}ms" -stats "$OUT/flights-$v.jsonl"
	case $v in
	swaks) cmd=$(sw_send "$ADDR") ;;
	swaks-pipeline) cmd=$(sw_send "$ADDR" --pipeline) ;;
	smtpprobe) cmd=$(sp_send "$ADDR") ;;
	smtpprobe-no-pipelining) cmd=$(sp_send "$ADDR" --no-pipelining) ;;
	smtpprobe-chunking) cmd=$(sp_send "$ADDR" --chunking) ;;
	esac
	bench "rtt-$v" --warmup "$WARMUP" --runs "$RUNS" -n "$v" "$cmd"
done

# --- item 3: MX lookup vs dig ----------------------------------------------
ZONE=$WORK/bench.zone
{
	echo "bench.test. 300 IN MX 10 mx1.bench.test."
	echo "bench.test. 300 IN MX 20 mx2.bench.test."
	echo "mx1.bench.test. 300 IN A 192.0.2.10"
	echo "mx1.bench.test. 300 IN AAAA 2001:db8::10"
	echo "mx2.bench.test. 300 IN A 192.0.2.20"
	echo "mx2.bench.test. 300 IN AAAA 2001:db8::20"
	for h in 1 2 3 4 5; do
		echo "every.test. 300 IN MX ${h}0 mx$h.every.test."
		echo "mx$h.every.test. 300 IN A 127.0.0.$h"
	done
} >"$ZONE"
start dns "$WORK/bin/dnsserve" -zone "$ZONE"
DNS=$ADDR
DNS_HOST=${DNS%:*}
DNS_PORT=${DNS##*:}
log "dnsserve on $DNS"
MX_CMD="$SP mx bench.test --dns-server $DNS --lang en"
DIG_MX="dig @$DNS_HOST -p $DNS_PORT bench.test MX"
DIG_ALL="dig @$DNS_HOST -p $DNS_PORT bench.test MX mx1.bench.test A mx1.bench.test AAAA mx2.bench.test A mx2.bench.test AAAA"

# What each one asks: one run each against a fresh server that logs queries.
for q in smtpprobe-mx:"$MX_CMD" dig-mx:"$DIG_MX" dig-mx-addresses:"$DIG_ALL"; do
	name=${q%%:*}
	cmd=${q#*:}
	start "dnsq-$name" "$WORK/bin/dnsserve" -zone "$ZONE" -queries "$OUT/queries-$name.txt"
	cmd=${cmd//$DNS/$ADDR}
	cmd=${cmd//-p $DNS_PORT/-p ${ADDR##*:}}
	$cmd >"$OUT/output-$name.txt" 2>&1 || { log "check failed: $cmd"; cat "$OUT/output-$name.txt" >&2; exit 1; }
	kill "${PIDS[-1]}"
	wait "${PIDS[-1]}" 2>/dev/null || true
	unset 'PIDS[-1]'
done

bench mx --warmup "$WARMUP" --runs "$((RUNS * 2))" \
	-n dig-mx "$DIG_MX" \
	-n dig-mx-addresses "$DIG_ALL" \
	-n smtpprobe-mx "$MX_CMD"

# --- item 4: every MX, one host slow -----------------------------------------
# Five MX hosts as a client on the Internet sees them: each a `smtpprobe
# listen` behind its own delay proxy (same RTT as item 2). MX records carry
# no port, so the proxies share one port on 127.0.0.1 to 127.0.0.5 (all
# loopback); mx3 waits $SLOW before its banner.
PORT0=""
for h in 1 2 3 4 5; do
	extra=()
	[ "$h" -eq 3 ] && extra=(--banner-delay "$SLOW")
	start "mx$h" "$SP" listen --addr 127.0.0.1:0 --domain "mx$h.every.test" --lang en "${extra[@]}"
	start "pmx$h" "$WORK/bin/delayproxy" -listen "127.0.0.$h:${PORT0:-0}" -target "$ADDR" -delay "${DELAY_MS}ms"
	PORT0=${ADDR##*:}
done
log "five MX hosts (delay proxies) on 127.0.0.1-5:$PORT0"
ALLMX="$SP send --all-mx --dns-server $DNS --port $PORT0 --from $COMMON_FROM --to user@every.test --subject bench --body-file $BODY --helo client.test --lang en --timeout-banner 30s --timeout-command 30s"
one() { echo "$SP send --server 127.0.0.$1:$PORT0 --from $COMMON_FROM --to user@every.test --subject bench --body-file $BODY --helo client.test --lang en --timeout-banner 30s --timeout-command 30s"; }
SEQ=$WORK/sequential.sh
{
	echo "set -e"
	for h in 1 2 3 4 5; do one "$h"; done
} >"$SEQ"
cp "$SEQ" "$OUT/sequential.sh"
$ALLMX --json >"$OUT/output-all-mx.json" 2>"$WORK/all-mx.err" || { log "check failed: $ALLMX"; cat "$WORK/all-mx.err" >&2; exit 1; }
python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); sys.exit(not (len(r) == 5 and all(x["ok"] for x in r)))' "$OUT/output-all-mx.json" ||
	{ log "--all-mx did not deliver to all five hosts"; exit 1; }
bench every-mx --warmup 1 --runs "$RUNS" \
	-n all-mx "$ALLMX" \
	-n slow-host-alone "$(one 3)" \
	-n sequential-5 "bash $SEQ"

# --- Go benchmarks of the reply reader and the message builder ---------------
log "go test -bench (run history over 10,000 stored runs)"
go test -run '^$' -bench 'List10k' -benchmem -count 3 ./backend/history >"$OUT/go-bench-history.txt"
log "go test -bench (reply reader, message builder)"
go test -run '^$' -bench 'Read|Build' -benchmem -count 5 ./backend/smtpwire ./backend/message >"$OUT/go-bench.txt"

# --- report --------------------------------------------------------------------
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "nproc=$(nproc)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "mem=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
	echo "kernel=$(uname -sr)"
	echo "go=$(go version | awk '{print $3}')"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo "hyperfine=$(hyperfine --version | awk '{print $2}')"
	echo "swaks=$(swaks --version | awk '/version/ {print $3; exit}')"
	echo "dig=$(dig -v 2>&1 | awk '{print $2}')"
	echo "runs=$RUNS"
	echo "warmup=$WARMUP"
	echo "delay_ms=$DELAY_MS"
	echo "slow=$SLOW"
	echo "load_start=$LOAD_START"
	echo "load=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$OUT/machine.txt"
python3 bench/report.py "$OUT" "$DOC"
log "report written to $DOC, raw results in $OUT"
