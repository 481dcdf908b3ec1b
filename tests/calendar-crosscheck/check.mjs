// Cross-check of `hotline calendar list` against the npm package chinese-days.
//
// Usage (from the repository root, after `npm ci` in this folder):
//   hotline calendar list --from 2004-01-01 --to 2026-12-31 \
//     | node tests/calendar-crosscheck/check.mjs
//
// Each input line is `YYYY-MM-DD workday ...` or `YYYY-MM-DD rest ...`
// (first token the date, second the status, the rest free text; blank lines
// are ignored). Every day from FIRST to LAST must appear and its status must
// match chinese-days' isWorkday(), except for the ERRATA below. Each
// disagreement or missing day is printed; the last line is `N passed, M failed`; the exit code is 1 if M > 0
// or the input is malformed.

import { readFileSync } from 'node:fs';

// chinese-days builds its tables at import time with local-time Date getters;
// pin the zone so that the result does not depend on the machine's TZ.
process.env.TZ = 'UTC';
const { default: chineseDays } = await import('chinese-days');
const { isWorkday } = chineseDays;

const FIRST = '2004-01-01';
const LAST = '2026-12-31';

// Days on which chinese-days contradicts the State Council notice itself. The
// notice's status is expected instead, and chinese-days must still give the
// value recorded here (so a fixed upstream release is noticed, too).
const ERRATA = new Map([
  // 国办发明电〔2005〕35号 (2006 schedule): "12月31日（星期六）上班".
  ['2005-12-31', { notice: 'workday', chineseDays: 'rest' }],
]);

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(text) {
  const m = DATE_RE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    return null;
  }
  return date;
}

function iso(date) {
  return date.toISOString().slice(0, 10);
}

const given = new Map(); // ISO date -> 'workday' | 'rest'
let malformed = 0;

const lines = readFileSync(0, 'utf8').split(/\r?\n/);
lines.forEach((line, i) => {
  if (line.trim() === '') return;
  const [dateText, status] = line.trim().split(/\s+/);
  const date = parseDate(dateText);
  if (!date || (status !== 'workday' && status !== 'rest')) {
    console.log(`line ${i + 1}: cannot parse: ${line}`);
    malformed += 1;
    return;
  }
  const key = iso(date);
  if (given.has(key) && given.get(key) !== status) {
    console.log(`line ${i + 1}: ${key} given twice with different statuses`);
    malformed += 1;
    return;
  }
  given.set(key, status);
});

let passed = 0;
let failed = 0;
const end = parseDate(LAST).getTime();
for (let t = parseDate(FIRST).getTime(); t <= end; t += 86_400_000) {
  const key = iso(new Date(t));
  const ours = given.get(key);
  if (ours === undefined) {
    console.log(`${key}: missing from input`);
    failed += 1;
    continue;
  }
  // A local-time Date at midnight is read back by chinese-days' own getters.
  const [y, mo, d] = key.split('-').map(Number);
  const theirs = isWorkday(new Date(y, mo - 1, d)) ? 'workday' : 'rest';
  const erratum = ERRATA.get(key);
  if (erratum && theirs !== erratum.chineseDays) {
    console.log(`${key}: chinese-days now says ${theirs}; review ERRATA in check.mjs`);
    failed += 1;
  } else if (erratum && ours !== erratum.notice) {
    console.log(`${key}: ours ${ours}, State Council notice ${erratum.notice} (chinese-days erratum)`);
    failed += 1;
  } else if (!erratum && ours !== theirs) {
    console.log(`${key}: ours ${ours}, chinese-days ${theirs}`);
    failed += 1;
  } else {
    passed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || malformed > 0 ? 1 : 0);
