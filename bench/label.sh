#!/usr/bin/env bash
# The nutrition label, measured side by side in one run (issue 13): the example catalog's static and
# busybox images against Debian bookworm minbase with python3 (the figure the issue quotes: 76.8 MB gzip)
# and with curl and jq, each made here by mmdebstrap (nothing pulled from a registry) and compressed as
# one gzip -6 layer, as Kiln compresses its own. `kiln compare --json` gives the figures, `--html` a page.
#
# Needs mmdebstrap and the Debian archive, and the example catalog: target/example-catalog, left by
# ExampleCatalogIT (built below when missing; slow: it compiles hello and busybox).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
catalog=${CATALOG:-$root/target/example-catalog}
if [ ! -f "$catalog/packages/x86_64/APKINDEX.tar.gz" ]; then
  echo "no example catalog in $catalog; building it (slow: compiles hello and busybox)..." >&2
  mvn -q -B -o verify -pl kiln-cli -am -Dtest=NONE -Dit.test=ExampleCatalogIT \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false >&2
fi
work=${BENCH_DIR:-/dev/shm/kiln-bench-label}
rm -rf "$work" && mkdir -p "$work"
mirror=${MIRROR:-http://deb.debian.org/debian}
for pkgs in python3 curl,jq; do
  name=debian-${pkgs//,/-}
  mmdebstrap --variant=minbase --include="$pkgs" --format=tar --quiet bookworm "$work/$name.tar" "$mirror"
  gzip -6 -n < "$work/$name.tar" > "$work/$name.tar.gz"
done
for image in static busybox; do
  ./kiln image build "$catalog/examples/images/$image.yaml" "kiln/$image:latest" "$work/$image" >/dev/null
  for debian in debian-python3 debian-curl-jq; do
    ./kiln compare "$work/$debian.tar.gz" "$work/$image" --html "$work/$image-vs-$debian.html" --json \
      > "$work/$image-vs-$debian.json"
    python3 - "$work/$image-vs-$debian.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
a, b = d["a"], d["b"]
mb = lambda n: "-" if n is None else f"{n / 1e6:.1f} MB"
print(f"| {b['name'].rsplit('/', 1)[-1]} | {a['name'].rsplit('/', 1)[-1]} | {mb(b['compressedSize'])} / {mb(a['compressedSize'])}"
      f" ({d['sizeRatio']['compressed']:.4f}) | {mb(b['uncompressedSize'])} / {mb(a['uncompressedSize'])}"
      f" | {b['files']} / {a['files']} | {len(b['setuidFiles'])} / {len(a['setuidFiles'])}"
      f" | {b['osPackages']} / {a['osPackages']} | {', '.join(b['shells']) or 'no'} / {', '.join(a['shells'])}"
      f" | {', '.join(b['packageManagers']) or 'no'} / {', '.join(a['packageManagers'])} |")
PY
  done
done
echo "pages: $work/*.html" >&2
