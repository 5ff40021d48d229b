#!/usr/bin/env bash
# A throwaway Redis server on a free loopback port, for the redislimit tests.
#
# Two ways to use it:
#
#   source .ci/redis.sh        # in a bash script (.ci/run): installs, starts,
#                              # exports REDIS_ADDR, stops it again on EXIT
#
#   eval "$(bash .ci/redis.sh start)"   # prints export lines for REDIS_ADDR
#   bash .ci/redis.sh stop              # and REDIS_CI_PID; stop kills that PID
#
# When redis-server is not on PATH it is installed from Debian's packages
# (apt-get, as root or through sudo). Without CI=true a failed install is only
# a warning: REDIS_ADDR stays unset and the tests that need Redis skip. With
# CI=true every failure is fatal, so CI never skips them.
#
# The server keeps nothing on disk (--save '' --appendonly no), listens only on
# 127.0.0.1, and is stopped by the PID this script started, nothing broader.

redis_ci_fail() {
	echo "redis.sh: $*" >&2
	if [ "${CI:-}" = "true" ]; then
		return 1
	fi
	echo "redis.sh: continuing without Redis (REDIS_ADDR unset); tests that need it will skip" >&2
	return 2
}

redis_ci_install() {
	if command -v redis-server >/dev/null 2>&1; then
		return 0
	fi
	echo "redis.sh: redis-server not found; installing it from Debian's packages" >&2
	local sudo=""
	if [ "$(id -u)" != "0" ]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo="sudo -n"
		else
			redis_ci_fail "redis-server is missing and apt-get needs root"
			return
		fi
	fi
	if ! command -v apt-get >/dev/null 2>&1; then
		redis_ci_fail "redis-server is missing and there is no apt-get to install it"
		return
	fi
	# Keep the package's own service from starting on 6379: we start our own.
	local policy=/usr/sbin/policy-rc.d made_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && made_policy=1
	fi
	local ok=0
	export DEBIAN_FRONTEND=noninteractive
	if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >/dev/null 2>&1; then
		$sudo apt-get update -q >/dev/null 2>&1 || true
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >&2 || ok=1
	fi
	if [ -n "$made_policy" ]; then
		$sudo rm -f "$policy"
	fi
	if [ "$ok" != 0 ] || ! command -v redis-server >/dev/null 2>&1; then
		redis_ci_fail "could not install redis-server with apt-get"
		return
	fi
	echo "redis.sh: installed $(redis-server --version | head -n1)" >&2
}

# redis_ci_ping PORT: true when a Redis server answers PONG on 127.0.0.1:PORT.
redis_ci_ping() {
	if command -v redis-cli >/dev/null 2>&1; then
		[ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = "PONG" ]
		return
	fi
	(
		exec 9<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'PING\r\n' >&9
		reply=""
		IFS= read -r -t 2 reply <&9 || true
		[ "${reply%$'\r'}" = "+PONG" ]
	) 2>/dev/null
}

# redis_ci_port_busy PORT: true when something accepts connections there.
redis_ci_port_busy() {
	(exec 8<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

redis_ci_start() {
	redis_ci_install || return
	local dir port pid i try
	dir=$(mktemp -d "${TMPDIR:-/tmp}/redis-ci.XXXXXX") || { redis_ci_fail "mktemp failed"; return; }
	for try in $(seq 1 20); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if redis_ci_port_busy "$port"; then
			continue
		fi
		redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
			--dir "$dir" --logfile "$dir/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
		pid=$!
		for i in $(seq 1 100); do
			if ! kill -0 "$pid" 2>/dev/null; then
				break # exited: most likely the port was taken meanwhile; try another
			fi
			if redis_ci_ping "$port"; then
				export REDIS_ADDR="127.0.0.1:$port" REDIS_CI_PID="$pid" REDIS_CI_DIR="$dir"
				echo "redis.sh: $(redis-server --version | head -n1 | cut -d' ' -f1-3) listening on $REDIS_ADDR (pid $pid)" >&2
				return 0
			fi
			sleep 0.05
		done
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	[ -f "$dir/redis.log" ] && tail -n 20 "$dir/redis.log" >&2
	rm -rf "$dir"
	redis_ci_fail "could not start redis-server on a free loopback port"
}

# redis_ci_stop: kill the server this script started (by its PID only).
# Every step tolerates failure, so it is safe in an EXIT trap under set -e.
redis_ci_stop() {
	local pid="${REDIS_CI_PID:-}" i
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "redis.sh: stopped redis-server (pid $pid)" >&2
	fi
	if [ -n "${REDIS_CI_DIR:-}" ]; then
		rm -rf "$REDIS_CI_DIR" || true
	fi
	unset REDIS_ADDR REDIS_CI_PID REDIS_CI_DIR
	return 0
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
	# Sourced: start now and stop when the sourcing shell exits, keeping any
	# EXIT trap that was already set.
	# Called in a || list, so that a caller's set -e does not cut it short.
	redis_ci_rc=0
	redis_ci_start || redis_ci_rc=$?
	if [ "$redis_ci_rc" = 0 ]; then
		redis_ci_prev_trap=$(trap -p EXIT)
		redis_ci_prev_trap=${redis_ci_prev_trap#"trap -- '"}
		redis_ci_prev_trap=${redis_ci_prev_trap%"' EXIT"}
		redis_ci_prev_trap=${redis_ci_prev_trap//"'\\''"/"'"}
		trap "redis_ci_stop || true; ${redis_ci_prev_trap}" EXIT
		unset redis_ci_prev_trap
	elif [ "$redis_ci_rc" = 1 ]; then
		return 1
	fi
	unset redis_ci_rc
	return 0
fi

set -u
case "${1:-}" in
start)
	# The server must outlive this script: detach it from our stdout so that
	# $(...) in the caller returns.
	rc=0
	redis_ci_start >&2 || rc=$?
	if [ "$rc" = 0 ]; then
		disown "$REDIS_CI_PID" 2>/dev/null || true
		printf 'export REDIS_ADDR=%q REDIS_CI_PID=%q REDIS_CI_DIR=%q\n' "$REDIS_ADDR" "$REDIS_CI_PID" "$REDIS_CI_DIR"
		exit 0
	fi
	[ "$rc" = 2 ] && exit 0
	exit 1
	;;
stop)
	redis_ci_stop
	;;
install)
	rc=0
	redis_ci_install || rc=$?
	[ "$rc" = 2 ] && exit 0
	exit "$rc"
	;;
*)
	echo "usage: source .ci/redis.sh | bash .ci/redis.sh start|stop|install" >&2
	exit 2
	;;
esac
