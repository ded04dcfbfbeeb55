#!/usr/bin/env bash
# run.sh reproduces every figure of BENCHMARKS.md (at the repository root).
#
#   internal/bench/run.sh              # every section, about 40 minutes
#   internal/bench/run.sh huawei size  # some sections
#   COUNT=5 OUT=/tmp/b internal/bench/run.sh
#
# Sections: machine huawei decode cost rackspace zstack audit quota memory
# stream size profile.
# Raw `go test -bench` output goes to $OUT/<section>.txt, the benchstat
# tables to $OUT/<section>.stat, profiles to $OUT/profile-*. Benchmarks run
# -count=$COUNT times (10 by default) and benchstat gives medians with 95 %
# confidence intervals. Run it on an idle machine: it notes the load
# average before and after each section, since figures taken under load are
# slower and noisier.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${OUT:-$here/out}
count=${COUNT:-10}
benchstat_pkg=golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
mkdir -p "$out"

benchstat() { (cd "$here" && go run "$benchstat_pkg" "$@"); }
load() { echo "load average ($1): $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime)"; }

# bench DIR NAME PATTERN [go test flags...]: runs the benchmarks matching
# PATTERN in DIR (a directory of the root module or of this one) and
# writes $out/NAME.txt and $out/NAME.stat.
bench() {
	local dir=$1 name=$2 pattern=$3
	shift 3
	echo "== $name: $pattern in ${dir#"$root"/}"
	load before | tee "$out/$name.load"
	(cd "$dir" && go test -run='^$' -bench="$pattern" -count="$count" "$@" .) | tee "$out/$name.txt"
	load after | tee -a "$out/$name.load"
	benchstat "$out/$name.txt" | tee "$out/$name.stat"
}

section_machine() {
	{
		echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "cores: $(nproc)"
		echo "go: $(go version)"
		echo "uname: $(uname -a)"
		grep -m1 'model name' /proc/cpuinfo 2>/dev/null || true
		echo "memory: $(free -h 2>/dev/null | awk '/^Mem:/ {print $2}')"
		load start
	} | tee "$out/machine.txt"
}

# Item 1: one call through each client, same bodies, same server.
section_huawei() { bench "$here" huawei 'WorkspaceOTP55|IAMAllDevices1000'; }

# Decoders alone on the 1,000-device bodies; mfa-go's own decoder is
# unexported, so it is benchmarked in huaweiiam on bodies of the same shape
# and size; encoding/json/v2 needs GOEXPERIMENT.
section_decode() {
	bench "$here" decode 'Decode1000'
	bench "$root/huaweiiam" decode-mfa-go 'DecodeVirtualMFADevices1000'
	echo "== decode-jsonv2 (GOEXPERIMENT=jsonv2: encoding/json is then built on v2 too)"
	(cd "$here" && GOEXPERIMENT=jsonv2 go test -run='^$' -bench='Decode1000//(encoding-json|json-v2)$' -count="$count" .) |
		tee "$out/decode-jsonv2.txt"
	benchstat "$out/decode-jsonv2.txt" | tee "$out/decode-jsonv2.stat"
}

# One call for each Huawei list taken apart step by step, from the floor to
# mfa-go (huaweiiam/cost_bench_test.go says what each step adds).
section_cost() { bench "$root/huaweiiam" cost 'CallCost'; }

# Item 2.
section_rackspace() { bench "$root/rackspace" rackspace 'OTPDevices50'; }
section_zstack() { bench "$root/zstack" zstack 'SecretsPage1000'; }

# The audit of every user of the four emulated APIs at 20 ms a request and
# 64 calls in flight: 2,500 and 25,000 users per API (each run starts
# fresh servers); the metrics are the figures.
section_audit() { bench "$root/examples/mfa-audit" audit '^BenchmarkAudit$' -benchtime=1x -timeout=60m; }

# The same audit of 2,500 users per API under a quota of 50 requests a
# second per API: adaptive pacing, the rate set at the quota, no pacing;
# and 20,000 users per API with 60 of Rackspace's at a rate of 20.
section_quota() {
	bench "$root/examples/mfa-audit" quota '^BenchmarkAuditQuota$' -benchtime=1x -timeout=120m
	bench "$root/examples/mfa-audit" one-paced '^BenchmarkAuditOnePaced$' -benchtime=1x -timeout=60m
}

# The whole program over about 1,000,000 ZStack secrets, the server in a
# process of its own: the audit's peak resident memory, as shipped and at
# Go's default GOGC=100; and the garbage the report's JSON makes.
section_memory() {
	bench "$root/examples/mfa-audit" memory '^BenchmarkAuditMemory$' -benchtime=1x -timeout=60m
	GOGC=100 bench "$root/examples/mfa-audit" memory-gogc100 '^BenchmarkAuditMemory$' -benchtime=1x -timeout=60m
	bench "$root/mfa/audit" writejson '^BenchmarkWriteJSON$'
}

# What a ZStack walk over 10,000 and 100,000 secrets holds: retained-B, the
# live heap at each page's end (5 walks a run); ZStackKeep keeps every
# device, for contrast.
section_stream() { bench "$here" stream 'ZStack(Stream|Keep)' -benchtime=5x -timeout=30m; }

# Item 5: binary sizes and module graphs.
section_size() {
	local bin=$out/bin
	mkdir -p "$bin"
	echo "== size"
	(cd "$root" && go build -trimpath -ldflags='-s -w' -o "$bin/mfa-audit" ./examples/mfa-audit &&
		go build -trimpath -o "$bin/mfa-audit-unstripped" ./examples/mfa-audit)
	(cd "$here" && go build -trimpath -ldflags='-s -w' -o "$bin/mfaws" ./cmd/mfaws &&
		go build -trimpath -o "$bin/mfaws-unstripped" ./cmd/mfaws)
	(cd "$here/cmd/hwsdk" && go build -trimpath -ldflags='-s -w' -o "$bin/hwsdk" . &&
		go build -trimpath -o "$bin/hwsdk-unstripped" .)
	{
		for b in mfa-audit mfaws hwsdk; do
			printf "%-6s %10d bytes -s -w, %10d bytes unstripped, %2d modules linked\n" "$b" \
				"$(wc -c <"$bin/$b")" "$(wc -c <"$bin/$b-unstripped")" \
				"$(go version -m "$bin/$b" | grep -c '^[[:space:]]dep')"
		done
		echo "go list -m all: root module (mfa-go) $(cd "$root" && go list -m all | wc -l) lines," \
			"cmd/hwsdk module (the Huawei SDK) $(cd "$here/cmd/hwsdk" && go list -m all | wc -l) lines"
		echo "modules linked into hwsdk: $(go version -m "$bin/hwsdk" | awk '$1 == "dep" {printf "%s ", $2}')"
		echo "modules linked into audit: $(go version -m "$bin/mfa-audit" | awk '$1 == "dep" {printf "%s ", $2}')"
	} | tee "$out/size.txt"
}

# Where mfa-go spends its time and memory beyond the floor.
section_profile() {
	echo "== profile"
	local test=$out/profile-bench.test
	(cd "$here" && go test -c -o "$test" .)
	for b in 'WorkspaceOTP55/mfa-go$' 'IAMAllDevices1000/mfa-go$' 'IAMAllDevices1000/huawei-sdk$'; do
		local name
		name=$(echo "$b" | tr -d '$' | tr '/' '-')
		(cd "$here" && "$test" -test.run='^$' -test.bench="$b" -test.benchtime=3s \
			-test.cpuprofile="$out/profile-$name.cpu" -test.memprofile="$out/profile-$name.mem") | grep Benchmark
		go tool pprof -top -nodecount=25 "$test" "$out/profile-$name.cpu" >"$out/profile-$name.cpu.txt" 2>/dev/null
		go tool pprof -top -nodecount=15 -sample_index=alloc_space "$test" "$out/profile-$name.mem" >"$out/profile-$name.alloc.txt" 2>/dev/null
		go tool pprof -top -nodecount=15 -sample_index=alloc_objects "$test" "$out/profile-$name.mem" >"$out/profile-$name.objects.txt" 2>/dev/null
	done
	ls "$out"/profile-*.txt
}

sections=("$@")
[ ${#sections[@]} -gt 0 ] || sections=(machine huawei decode cost rackspace zstack audit quota memory stream size profile)
for s in "${sections[@]}"; do
	"section_$s"
done
load end
