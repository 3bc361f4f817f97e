#!/usr/bin/env node
// Peer test: Microsoft's Graph JavaScript SDK (npm @microsoft/microsoft-graph-client 3.0.7)
// against dkcloud-emulator, unmodified.
//
//     node tests/sdk/graph_js.js BASE_URL CA_PATH
//
// Configured through its documented ClientOptions only: `baseUrl` (the emulator's origin) and
// `customHosts` (its host, so the SDK sends the token there), an `authProvider` with the
// emulator's --static-token. Reached as 127.0.0.1, the emulator issues uploadUrl on localhost:
// like OneDrive, on another host than Graph's, and the SDK, deciding by host, sends the token
// only to Graph, which the one-call large upload (OneDriveLargeFileUploadTask) depends on.
"use strict";

const crypto = require("crypto");
const { Client, FileUpload, OneDriveLargeFileUploadTask } = require("@microsoft/microsoft-graph-client");
const { check, run } = require("./_checks.js");

const [base] = process.argv.slice(2);
const client = Client.init({
  authProvider: (done) => done(null, process.env.DKCLOUD_EMULATOR_STATIC_TOKEN),
  baseUrl: `${base}/`,
  customHosts: new Set([new URL(base).hostname]),
});

run(async () => {
  const me = await client.api("/me").get();
  check("GET /me", typeof me.displayName === "string" && me.displayName.length > 0, JSON.stringify(me));

  const small = crypto.randomBytes(1000);
  const put = await client.api("/me/drive/root:/js/small.bin:/content").put(small);
  check("simple upload", put.size === small.length, JSON.stringify(put));

  try {
    await client.api("/me/drive/root:/js/nothing-here.bin").get();
    check("a missing item is refused", false, "no error");
  } catch (e) {
    check("a missing item is itemNotFound", e.statusCode === 404 && e.code === "itemNotFound", `${e.statusCode} ${e.code}`);
    check("the error carries innerError's request-id", typeof e.requestId === "string" && e.requestId.length > 0, e.requestId);
  }

  const size = 5 * 1024 * 1024 + 12345;
  const big = crypto.randomBytes(size);
  const task = await OneDriveLargeFileUploadTask.createTaskWithFileObject(
    client,
    new FileUpload(big, "big.bin", size),
    { fileName: "big.bin", path: "/js", rangeSize: 320 * 1024 * 4, conflictBehavior: "replace" },
  );
  check("upload session URL is on the upload host", new URL(task.uploadSession.url).hostname !== new URL(base).hostname, task.uploadSession.url);
  const result = await task.upload();
  const item = result.responseBody || {};
  check("LargeFileUploadTask uploads in one call", item.size === size, JSON.stringify(item));
  const stored = await client.api("/me/drive/root:/js/big.bin").get();
  check("the large file is stored whole", stored.size === size, JSON.stringify(stored));
});
