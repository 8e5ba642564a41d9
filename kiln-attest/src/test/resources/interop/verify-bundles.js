// Verifies Sigstore bundles with @sigstore/verify, offline: one public key, an empty trusted root,
// no transparency log, no timestamps. Usage: node verify-bundles.js KEY.pem ARTIFACT BUNDLE...
// Prints one line per bundle: "OK <file>" or "FAIL <file>: <message>".
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [keyFile, artifactFile, ...bundles] = process.argv.slice(2);
const der = crypto.createPublicKey(fs.readFileSync(keyFile)).export({ type: 'spki', format: 'der' });
const hint = crypto.createHash('sha256').update(der).digest('base64');
const root = TrustedRoot.fromJSON({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
});
const trust = toTrustMaterial(root, { [hint]: { rawBytes: der } });
const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
const artifact = fs.readFileSync(artifactFile);
for (const file of bundles) {
  try {
    const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
    const isDsse = bundle.content.$case === 'dsseEnvelope';
    verifier.verify(toSignedEntity(bundle, isDsse ? undefined : artifact));
    console.log('OK ' + file);
  } catch (e) {
    console.log('FAIL ' + file + ': ' + (e.code ? e.code + ' ' : '') + e.message);
  }
}
