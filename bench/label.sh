#!/usr/bin/env bash
# The nutrition label, measured side by side in one run (issue 13): the example catalog's static and
# busybox images against Debian bookworm minbase with python3 (the figure the issue quotes: 76.8 MB gzip)
# and with curl and jq, each made here by mmdebstrap (nothing pulled from a registry) and compressed as
# one gzip -6 layer, as Kiln compresses its own. `kiln compare --json` gives the figures, `--html` a page.
#
# Needs mmdebstrap and the Debian archive, and the example catalog: target/example-catalog, left by
# ExampleCatalogIT (built below when missing; slow: it compiles hello and busybox).
#
# Sourced (bench/flagship.sh does), it only defines the functions: debian_image and label_row.
set -euo pipefail

# debian_image DIR PACKAGES: DIR/debian-PACKAGES.tar.gz (commas become dashes), Debian bookworm minbase with the
# comma-separated PACKAGES made by mmdebstrap and compressed as one gzip -6 layer; kept when it exists already.
# Prints the file's path.
debian_image() {
  local dir=$1 pkgs=$2
  local name=debian-${pkgs//,/-}
  if [ ! -f "$dir/$name.tar.gz" ]; then
    mmdebstrap --variant=minbase --include="$pkgs" --format=tar --quiet bookworm "$dir/$name.tar" \
      "${MIRROR:-http://deb.debian.org/debian}" >&2
    gzip -6 -n < "$dir/$name.tar" > "$dir/$name.tar.gz.partial"
    mv "$dir/$name.tar.gz.partial" "$dir/$name.tar.gz"
    rm -f "$dir/$name.tar"
  fi
  echo "$dir/$name.tar.gz"
}

# label_row JSON: one Markdown row from `kiln compare DEBIAN KILN --json` (a = Debian, b = Kiln): compressed
# (ratio Kiln/Debian), uncompressed, files, setuid/setgid files, OS packages, shells, package managers.
label_row() {
  python3 - "$1" <<'PY'
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
}

if [ "${BASH_SOURCE[0]}" != "$0" ]; then
  return 0
fi

cd "$(dirname "$0")/.."
root=$PWD
source bench/example-catalog.sh
work=${BENCH_DIR:-/dev/shm/kiln-bench-label}
rm -rf "$work" && mkdir -p "$work"
for pkgs in python3 curl,jq; do
  debian_image "$work" "$pkgs" >/dev/null
done
for image in static busybox; do
  ./kiln image build "$catalog/examples/images/$image.yaml" "kiln/$image:latest" "$work/$image" >/dev/null
  for debian in debian-python3 debian-curl-jq; do
    ./kiln compare "$work/$debian.tar.gz" "$work/$image" --html "$work/$image-vs-$debian.html" --json \
      > "$work/$image-vs-$debian.json"
    label_row "$work/$image-vs-$debian.json"
  done
done
echo "pages: $work/*.html" >&2
