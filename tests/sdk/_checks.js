// Shared by the JavaScript peer tests: "ok NAME" / "FAIL NAME: why" lines, as the Python ones print.
"use strict";

const failures = [];

function check(name, condition, why) {
  if (condition) {
    console.log(`ok   ${name}`);
  } else {
    failures.push(name);
    console.log(`FAIL ${name}: ${why === undefined ? "" : why}`);
  }
}

// Runs `main`, prints the summary and sets the exit status; an exception is one FAIL line.
function run(main) {
  main()
    .catch((e) => check("no exception", false, e && e.stack ? e.stack : String(e)))
    .finally(() => {
      console.log(failures.length ? `${failures.length} failed` : "all ok");
      process.exitCode = failures.length ? 1 : 0;
    });
}

module.exports = { check, run };
