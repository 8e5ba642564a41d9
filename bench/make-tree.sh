#!/usr/bin/env bash
# make-tree.sh DIR [MB]: a reproducible file tree of about MB megabytes (default 200) that
# compresses like real package content: source-like text, a few larger binary-ish files.
set -euo pipefail
dir=$1; mb=${2:-200}
[ -d "$dir" ] && [ "$(du -sm "$dir" | cut -f1)" -ge "$mb" ] && exit 0
rm -rf "$dir"; mkdir -p "$dir/usr/bin" "$dir/usr/lib" "$dir/usr/share/doc"
# Text: the host's own documentation and headers, repeated until the budget is half used.
i=0
while [ "$(du -sm "$dir" | cut -f1)" -lt $((mb / 2)) ]; do
  mkdir -p "$dir/usr/share/doc/copy$i"
  cp -r /usr/include/. "$dir/usr/share/doc/copy$i/" 2>/dev/null || true
  i=$((i + 1))
done
# Binaries: host libraries and programs, repeated until the budget is reached.
j=0
while [ "$(du -sm "$dir" | cut -f1)" -lt "$mb" ]; do
  mkdir -p "$dir/usr/lib/copy$j"
  find /usr/lib/x86_64-linux-gnu -maxdepth 1 -type f -name '*.so*' -size -4M -exec cp {} "$dir/usr/lib/copy$j/" \; 2>/dev/null || true
  j=$((j + 1))
done
du -sh "$dir"
