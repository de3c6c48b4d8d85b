// Builds internal/password/data/common-passwords.txt.gz, the list of common
// and breached passwords that internal/password embeds (issue 3).
//
// Sources: the frequency-ordered password list of @zxcvbn-ts/language-common
// (MIT, see internal/password/data/NOTICE) plus our own list of passwords
// common in China (internal/password/data/common-zh.txt).
//
// Entries are NFC-normalised and lower-cased (the Go check is case-insensitive),
// and only those of 8..128 code points are kept: anything shorter or longer is
// already refused by the length rule, so it would only bloat the binary.
// The output is deterministic: first-seen order, gzip level 9, mtime 0 and the
// OS byte forced to 255 ("unknown") so that it does not depend on the build
// machine. Run with `npm run extract:passwords`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';

const require = createRequire(import.meta.url);
const zxcvbn = require('@zxcvbn-ts/language-common/src/passwords.json');
const zh = readFileSync('internal/password/data/common-zh.txt', 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

const seen = new Set();
const out = [];
for (const raw of [...zxcvbn, ...zh]) {
  const p = raw.normalize('NFC').toLowerCase();
  const n = [...p].length;
  if (n < 8 || n > 128 || p.includes('\n') || seen.has(p)) continue;
  seen.add(p);
  out.push(p);
}

const gz = gzipSync(Buffer.from(out.join('\n') + '\n', 'utf8'), { level: 9 });
gz.writeUInt32LE(0, 4); // mtime
gz[9] = 255; // OS: unknown
writeFileSync('internal/password/data/common-passwords.txt.gz', gz);
console.log(`common-passwords.txt.gz: ${out.length} entries, ${gz.length} bytes`);
