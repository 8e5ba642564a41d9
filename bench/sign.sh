#!/usr/bin/env bash
# Signing and verification cost (issue 5): `kiln sign` + `kiln attest` (SPDX, SLSA provenance) of
# one image in Kiln's registry, and `kiln verify-attestation` of that image with three attestations,
# each against `kiln --help` run the same way, so the JVM start is measured and subtracted.
# Goals: sign + attest adds < 300 ms to a publish; verification with three attestations < 200 ms warm.
# Verification runs first: every sign/attest run adds a signature, which later verifications would read.
# Note: each CLI call decrypts the key (scrypt N=65536, like cosign), which a publish does once.
set -euo pipefail
source "$(dirname "$0")/registry-lib.sh"
start_registries
make_image 4 2 "$work/img"
push_image "$work/img" "$KILN_PORT" bench/app
image="127.0.0.1:$KILN_PORT/bench/app:v1"
printf 'bench\n' >"$work/pass"
"$repo/kiln" keygen --type image "$work/bench.key" --passphrase-file "$work/pass" >/dev/null
printf '{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"app","packages":[]}' >"$work/sbom.json"
printf '{"buildDefinition":{"buildType":"https://kiln.dev/buildtypes/image/v1","externalParameters":{}},"runDetails":{"builder":{"id":"https://kiln.dev/builders/local/v1"}}}' >"$work/prov.json"
printf '{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}' >"$work/vex.json"
for t in spdx:sbom slsaprovenance:prov openvex:vex; do
  "$repo/kiln" attest "$image" --key "$work/bench.key" --passphrase-file "$work/pass" --type "${t%%:*}" --predicate "$work/${t##*:}.json" >/dev/null
done
"$repo/kiln" sign "$image" --key "$work/bench.key" --passphrase-file "$work/pass" >/dev/null
k="$repo/kiln"
hyperfine --warmup 2 --runs "${RUNS:-10}" --export-markdown "$work/sign.md" \
  -n 'kiln --help (JVM start)' "$k --help" \
  -n 'kiln verify-attestation (3 types + signature)' "$k verify-attestation $image --key $work/bench.pub --type spdx,slsaprovenance,openvex --require-signature" \
  -n 'kiln sign' "$k sign $image --key $work/bench.key --passphrase-file $work/pass" \
  -n 'kiln attest (slsa)' "$k attest $image --key $work/bench.key --passphrase-file $work/pass --type slsaprovenance --predicate $work/prov.json"
cat "$work/sign.md"
# Warm, in one JVM (the registry stays a separate process): what signing adds to a publish, and verification.
java -cp "$repo/kiln-cli/target/kiln.jar" "$repo/bench/SignWarm.java" "127.0.0.1:$KILN_PORT"
