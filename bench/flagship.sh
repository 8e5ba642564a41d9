#!/usr/bin/env bash
# The flagship images' nutrition label (issue 13): each catalog image (catalog/images/NAME.yaml) built with
# `kiln image build` from the APK repositories given, its Debian counterpart (bookworm minbase plus the same
# software, made by mmdebstrap through bench/label.sh's debian_image), `kiln compare DEBIAN KILN --json --html`,
# one RESULTS row per image (label_row) and the issue's goal checked (python ≤ 1/4 of Debian's and < 25 MB gzip,
# the others ≤ 1/3). Then each Kiln image runs once under bubblewrap, as its config says (user, working
# directory, entrypoint) with a harmless argument, to prove the entrypoint works (python imports every standard C
# extension). python-dev, which has no Debian counterpart here, is built and runs bench/python-dev-check.py
# instead: pip installs a pure-Python wheel from a local folder and setuptools builds a C extension, offline.
#
#   bench/flagship.sh --repository DIR --keyring KEY [--repository DIR --keyring KEY]... [IMAGE...]
#
# IMAGE defaults to python redis jq curl nginx (python-dev, hello and busybox on request: no Debian counterpart here,
# their blob size and one run); nginx-service (a service bundle) is checked by
# starting it: s6-svscan must bring nginx up, answering on 127.0.0.1:8080. The first repository and key stand for the configs' own
# `../../packages` and `../../.kiln/keys/kiln.rsa.pub`. KILN overrides the command (default ./kiln);
# BENCH_DIR the work folder (Debian images made there are kept and reused).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source bench/label.sh
kiln=${KILN:-./kiln}
work=${BENCH_DIR:-/dev/shm/kiln-bench-flagship}
repos=() keys=() images=()
while [ $# -gt 0 ]; do
  case $1 in
    --repository) repos+=("$(realpath "$2")"); shift 2 ;;
    --keyring) keys+=("$(realpath "$2")"); shift 2 ;;
    *) images+=("$1"); shift ;;
  esac
done
[ ${#repos[@]} -gt 0 ] && [ ${#keys[@]} -gt 0 ] || { echo "usage: $0 --repository DIR --keyring KEY ... [IMAGE...]" >&2; exit 2; }
[ ${#images[@]} -gt 0 ] || images=(python redis jq curl nginx)
declare -A debian=([python]=python3 [redis]=redis-server [jq]=jq [curl]=curl [nginx]=nginx)
declare -A goal=([python]=0.25 [redis]=0.3333 [jq]=0.3333 [curl]=0.3333 [nginx]=0.3333)
# service bundles (named only on the command line): no Debian counterpart; s6-svscan must start the service
declare -A service_url=([nginx-service]=http://127.0.0.1:8080/)
# shell words, split by eval below; crypt's deprecation warning (3.11) would hide the printed line
declare -A smoke=([python]="-W ignore::DeprecationWarning -c 'import bz2, crypt, ctypes, curses, curses.panel, dbm.gnu, \
dbm.ndbm, decimal, ensurepip, hashlib, lzma, readline, sqlite3, ssl, uuid, xml.parsers.expat, zlib; \
print(ssl.OPENSSL_VERSION, \"| sqlite\", sqlite3.sqlite_version, \"| ctypes\", ctypes.__version__, \"| pip\", ensurepip.version())'"
  [redis]="--version" [jq]="--version" [curl]="--version" [nginx]="-v"
  [python-dev]="-c \"\$(cat bench/python-dev-check.py)\""
  [hello]="" [busybox]="-c 'echo \$(id -u):\$(id -g) \$(ls /lib64) \$(busybox | head -1)'")

# The configs' relative repository and key, laid out in a copy of the catalog's images folder.
mkdir -p "$work/tree/catalog" "$work/tree/.kiln/keys"
rm -rf "$work/tree/catalog/images" && cp -r catalog/images "$work/tree/catalog/images"
ln -sfn "${repos[0]}" "$work/tree/packages"
ln -sf "${keys[0]}" "$work/tree/.kiln/keys/kiln.rsa.pub"
build_args=()
for r in "${repos[@]:1}"; do build_args+=(--repository "$r"); done
# every key by its own name too: an index's signature names the key file it was made with
for k in "${keys[@]}"; do build_args+=(--keyring "$k"); done

# run_image LAYOUT ARGS...: the image's layers unpacked into a root, run as its config's user in its working
# directory, with its entrypoint followed by ARGS, in bubblewrap without network. With RUN_SERVICE=1 (in a
# subshell: bubblewrap replaces it) the sandbox shares the host's network, and bubblewrap runs as the image's user
# on the host too, so that inside only what the image gives that user is the user's, as in a container runtime.
run_image() {
  local layout=$1; shift
  local rootfs=$layout.rootfs
  rm -rf "$rootfs" && mkdir -p "$rootfs"
  local spec
  spec=$(python3 - "$layout" "$rootfs" <<'PY'
import json, os, subprocess, sys
layout, rootfs = sys.argv[1], sys.argv[2]
blob = lambda d: os.path.join(layout, "blobs", *d.split(":"))
desc = json.load(open(os.path.join(layout, "index.json")))["manifests"][0]
doc = json.load(open(blob(desc["digest"])))
while "manifests" in doc:  # an image index: the first (only) platform
    doc = json.load(open(blob(doc["manifests"][0]["digest"])))
for layer in doc["layers"]:
    subprocess.run(["tar", "-xzf", blob(layer["digest"]), "-C", rootfs, "--numeric-owner"], check=True)
c = json.load(open(blob(doc["config"]["digest"]))).get("config", {})
user = (c.get("User") or "0:0").split(":")
print(user[0], user[1] if len(user) > 1 else user[0], c.get("WorkingDir") or "/", *(c.get("Entrypoint") or []),
      *(c.get("Cmd") or []) if not c.get("Entrypoint") else [], sep="\n")
PY
)
  local -a s
  mapfile -t s <<<"$spec"
  if [ "${RUN_SERVICE:-}" = 1 ]; then
    # the mount points, as a container runtime makes them: bubblewrap can't as the image's user
    mkdir -p "$rootfs/proc" "$rootfs/dev" "$rootfs/tmp"
    # output through a pipe the user made, as a runtime's log pipe: a program that opens /dev/stdout (nginx's
    # logs) can't open a file or pipe root made
    exec setpriv --reuid "${s[0]}" --regid "${s[1]}" --clear-groups sh -c '"$@" 2>&1 | cat' sh \
      bwrap --bind "$rootfs" / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --share-net --die-with-parent \
      --uid "${s[0]}" --gid "${s[1]}" --chdir "${s[2]}" --clearenv --setenv PATH /usr/bin:/bin \
      -- "${s[@]:3}" "$@"
  fi
  bwrap --bind "$rootfs" / --proc /proc --dev /dev --tmpfs /tmp --unshare-all --die-with-parent \
    --uid "${s[0]}" --gid "${s[1]}" --chdir "${s[2]}" --clearenv --setenv PATH /usr/bin:/bin \
    -- "${s[@]:3}" "$@"
}

# check_service IMAGE URL: a service-bundle image started as its config says (entrypoint /bin/s6-svscan /sv, its
# user), which must answer URL on the host's loopback within 10 s; then the sandbox is stopped.
check_service() {
  local image=$1 url=$2 pid out="" i
  ( RUN_SERVICE=1 run_image "$work/$image" ) >"$work/$image.run.log" 2>&1 &
  pid=$!
  for i in $(seq 50); do
    out=$(curl -fsS -m 2 "$url" 2>/dev/null) && break
    sleep 0.2
  done
  local supervised
  supervised=$(ls -A "$work/$image.rootfs/sv/${image%-service}" 2>/dev/null | tr '\n' ' ')
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -n "$out" ]; then
    echo "run $image: s6-svscan started ${image%-service}; $url answered: $(echo "$out" | grep -m1 -o '<title>[^<]*</title>') (service dir: $supervised)" >&2
  else
    echo "run $image: FAILED: $url did not answer within 10 s; sandbox output: $(tail -5 "$work/$image.run.log")" >&2
  fi
}

for image in "${images[@]}"; do
  echo "== $image" >&2
  rm -rf "$work/$image"
  if ! $kiln image build "$work/tree/catalog/images/$image.yaml" "kiln/$image:latest" "$work/$image" \
      "${build_args[@]}" >"$work/$image.build.log" 2>&1; then
    echo "| $image | not built: $(tail -1 "$work/$image.build.log") |"
    continue
  fi
  if [ -n "${service_url[$image]:-}" ]; then
    check_service "$image" "${service_url[$image]}"
    continue
  fi
  eval "args=(${smoke[$image]})"
  if [ -z "${debian[$image]:-}" ]; then
    # no Debian counterpart: its size, and its check
    du -sb "$work/$image/blobs" | awk -v i="$image" '{ printf "%s: %.1f MB of blobs\n", i, $1 / 1e6 }' >&2
    if out=$(run_image "$work/$image" "${args[@]}" 2>&1); then
      echo "run $image: $(echo "$out" | tail -1)" >&2
    else
      echo "run $image: FAILED: $out" >&2
    fi
    continue
  fi
  deb=$(debian_image "$work" "${debian[$image]}")
  $kiln compare "$deb" "$work/$image" --html "$work/$image.html" --json > "$work/$image.json"
  label_row "$work/$image.json"
  python3 - "$work/$image.json" "$image" "${goal[$image]}" <<'PY'
import json, sys
d, image, goal = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3])
ratio, size = d["sizeRatio"]["compressed"], d["b"]["compressedSize"]
ok = ratio <= goal and (image != "python" or size < 25e6)
print(f"goal {image}: ratio {ratio:.4f} (goal ≤ {goal:.4f}{', < 25 MB' if image == 'python' else ''}): {'met' if ok else 'NOT met'}",
      file=sys.stderr)
PY
  if out=$(run_image "$work/$image" "${args[@]}" 2>&1); then
    echo "run $image ${smoke[$image]}: $(echo "$out" | head -1)" >&2
  else
    echo "run $image ${smoke[$image]}: FAILED: $out" >&2
  fi
done
echo "pages: $work/*.html" >&2
