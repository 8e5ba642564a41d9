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
# The same flags and configure arguments the recipe's pipelines use, so only Kiln's own work differs.
cflags="-O2 -pipe -fstack-protector-strong -fstack-clash-protection -fPIE -fcf-protection=full -Wformat -Werror=format-security -D_FORTIFY_SOURCE=3"
ldflags="-pie -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed -static-pie"
configure="./configure --host=x86_64-pc-linux-gnu --build=x86_64-pc-linux-gnu --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib --mandir=/usr/share/man --infodir=/usr/share/info --localstatedir=/var --disable-nls"
by_hand="rm -rf $work/hand && mkdir -p $work/hand && cd $work/hand && tar -xzf $PWD/$tarball --strip-components=1 && CPPFLAGS=-D_FORTIFY_SOURCE=3 CFLAGS='$cflags' LDFLAGS='$ldflags' $configure >/dev/null && make -j\$(nproc) V=1 >/dev/null && make install DESTDIR=$work/hand/out V=1 >/dev/null && strip -g out/usr/bin/hello"
kiln_build="rm -rf $work/repo && ./kiln build examples/recipes/hello.yaml --offline --cache-dir $work/cache --out-dir $work/repo --signing-key $work/bench.rsa >/dev/null 2>&1"
[ -f "$work/bench.rsa" ] || ./kiln keygen "$work/bench.rsa" --bits 2048 >/dev/null
hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/overhead.md" \
  -n 'configure+make+install by hand' "$by_hand" \
  -n 'kiln build hello (warm cache)' "$kiln_build"
cat "$work/overhead.md"
