#!/usr/bin/env node
// Peer test: Dropbox's JavaScript SDK (npm dropbox 10.34.0) against dkcloud-emulator, unmodified.
//
//     node tests/sdk/dropbox_js.js BASE_URL CA_PATH
//
// Configured through its documented options only: `DropboxAuth({accessToken, domain,
// domainDelimiter: ""})` makes every API and content call go to https://DOMAIN/2/ (the SDK's
// scaffolding for test servers), the emulator's host:port; NODE_EXTRA_CA_CERTS trusts CA_PATH.
// The token is the emulator's --static-token (DKCLOUD_EMULATOR_STATIC_TOKEN).
"use strict";

const crypto = require("crypto");
const { Dropbox, DropboxAuth } = require("dropbox");
const { check, run } = require("./_checks.js");

const [base] = process.argv.slice(2);
const auth = new DropboxAuth({
  accessToken: process.env.DKCLOUD_EMULATOR_STATIC_TOKEN,
  domain: new URL(base).host,
  domainDelimiter: "",
});
const dbx = new Dropbox({ auth });

// Dropbox's content hash: SHA-256 over the SHA-256 of each 4 MiB block.
function contentHash(data) {
  const blocks = [];
  for (let i = 0; i < data.length; i += 4 * 1024 * 1024) {
    blocks.push(crypto.createHash("sha256").update(data.subarray(i, i + 4 * 1024 * 1024)).digest());
  }
  return crypto.createHash("sha256").update(Buffer.concat(blocks)).digest("hex");
}

// The error tag of a refused call (DropboxResponseError.error is the API's error body).
async function refusal(call) {
  try {
    await call();
    return "no error";
  } catch (e) {
    return e && e.error && e.error.error ? e.error.error[".tag"] : String(e);
  }
}

run(async () => {
  const me = await dbx.usersGetCurrentAccount();
  check("usersGetCurrentAccount", me.status === 200 && me.result.account_id.startsWith("dbid:"), JSON.stringify(me.result));

  const data = crypto.randomBytes(300 * 1024);
  const up = await dbx.filesUpload({ path: "/js/a.bin", contents: data, content_hash: contentHash(data) });
  check("filesUpload with content_hash", up.result.content_hash === contentHash(data), JSON.stringify(up.result));
  const wrong = "0".repeat(64);
  const tag = await refusal(() => dbx.filesUpload({ path: "/js/b.bin", contents: data, content_hash: wrong }));
  check("filesUpload with a wrong content_hash is content_hash_mismatch", tag === "content_hash_mismatch", tag);
  const strict = await refusal(() => dbx.filesUpload({ path: "/js/a.bin", contents: data, strict_conflict: true }));
  check("strict_conflict: identical contents conflict", strict === "path", strict);

  const first = crypto.randomBytes(1000);
  const second = crypto.randomBytes(2000);
  const third = crypto.randomBytes(3000);
  const start = await dbx.filesUploadSessionStart({ contents: first });
  const id = start.result.session_id;
  await dbx.filesUploadSessionAppend({ session_id: id, offset: first.length, contents: second });
  check("deprecated filesUploadSessionAppend (v1)", true);
  const bad = await refusal(() =>
    dbx.filesUploadSessionAppendV2({
      cursor: { session_id: id, offset: first.length + second.length },
      content_hash: wrong,
      contents: third,
    }),
  );
  check("filesUploadSessionAppendV2 with a wrong content_hash", bad === "content_hash_mismatch", bad);
  await dbx.filesUploadSessionAppendV2({
    cursor: { session_id: id, offset: first.length + second.length },
    content_hash: contentHash(third),
    contents: third,
  });
  const all = Buffer.concat([first, second, third]);
  const done = await dbx.filesUploadSessionFinish({
    cursor: { session_id: id, offset: all.length },
    commit: { path: "/js/session.bin" },
    contents: Buffer.alloc(0),
  });
  check("filesUploadSessionFinish", done.result.content_hash === contentHash(all), JSON.stringify(done.result));
  const down = await dbx.filesDownload({ path: "/js/session.bin" });
  check("filesDownload gives the bytes back", Buffer.compare(Buffer.from(down.result.fileBinary), all) === 0);
});
