// cosign's encrypted key format (scrypt + NaCl secretbox over PKCS#8 DER) done independently with
// node's scrypt and tweetnacl.
//   node cosign-key.js open KEY PASSWORD   -> prints the SPKI PEM of the decrypted private key
//   node cosign-key.js seal OUT PASSWORD   -> writes a fresh P-256 key as OUT, prints its SPKI PEM
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const nacl = require('tweetnacl');

const [mode, file, password] = process.argv.slice(2);
const label = 'ENCRYPTED SIGSTORE PRIVATE KEY';
const scrypt = (salt, p) => crypto.scryptSync(Buffer.from(password, 'utf8'), salt, 32,
  { N: p.N, r: p.r, p: p.p, maxmem: 512 * 1024 * 1024 });

if (mode === 'open') {
  const pem = fs.readFileSync(file, 'utf8');
  const body = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, '');
  const doc = JSON.parse(Buffer.from(body, 'base64').toString('utf8'));
  const key = scrypt(Buffer.from(doc.kdf.salt, 'base64'), doc.kdf.params);
  const opened = nacl.secretbox.open(new Uint8Array(Buffer.from(doc.ciphertext, 'base64')),
    new Uint8Array(Buffer.from(doc.cipher.nonce, 'base64')), new Uint8Array(key));
  if (!opened) { console.log('FAIL cannot open'); process.exit(1); }
  const priv = crypto.createPrivateKey({ key: Buffer.from(opened), format: 'der', type: 'pkcs8' });
  process.stdout.write(crypto.createPublicKey(priv).export({ type: 'spki', format: 'pem' }));
} else {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const salt = crypto.randomBytes(32);
  const nonce = crypto.randomBytes(24);
  const params = { N: 32768, r: 8, p: 1 };
  const box = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), new Uint8Array(scrypt(salt, params)));
  const doc = { kdf: { name: 'scrypt', params, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') }, ciphertext: Buffer.from(box).toString('base64') };
  const b64 = Buffer.from(JSON.stringify(doc)).toString('base64').replace(/(.{64})/g, '$1\n');
  fs.writeFileSync(file, `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`);
  process.stdout.write(publicKey.export({ type: 'spki', format: 'pem' }));
}
