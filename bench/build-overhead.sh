#!/usr/bin/env bash
# Build overhead: `kiln build` of examples/recipes/hello.yaml from a warm cache (sandbox,
# packaging, SBOM, signing, tests, index included) against the same configure/make/install
# run by hand on the host with the same flags. Goal: under 1.2x.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/kiln-bench}
mkdir -p "$work"
tarball=$(ls upstream-sources/hello_2.10.orig.tar.gz 2>/dev/null || true)
if [ -z "$tarball" ]; then
  ../shared/scripts/upstream-source hello >/dev/null
  tarball=upstream-sources/hello_2.10.orig.tar.gz
fi
./kiln source import --cache-dir "$work/cache" "$tarball" >/dev/null
./kiln --help >/dev/null
flags='CPPFLAGS=-D_FORTIFY_SOURCE=3 CFLAGS="-O2 -pipe -fstack-protector-strong -fstack-clash-protection -fPIE -fcf-protection=full -D_FORTIFY_SOURCE=3" LDFLAGS="-pie -Wl,-z,relro -Wl,-z,now"'
by_hand="rm -rf $work/hand && mkdir -p $work/hand && cd $work/hand && tar -xzf $PWD/$tarball --strip-components=1 && env $flags ./configure --prefix=/usr --disable-nls >/dev/null && make -j\$(nproc) >/dev/null && make install DESTDIR=$work/hand/out >/dev/null && strip -g out/usr/bin/hello"
kiln_build="rm -rf $work/repo && ./kiln build examples/recipes/hello.yaml --offline --cache-dir $work/cache --out-dir $work/repo --signing-key $work/bench.rsa >/dev/null 2>&1"
[ -f "$work/bench.rsa" ] || ./kiln keygen "$work/bench.rsa" --bits 2048 >/dev/null
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/overhead.md" \
  -n 'configure+make+install by hand' "$by_hand" \
  -n 'kiln build hello (warm cache)' "$kiln_build"
cat "$work/overhead.md"
