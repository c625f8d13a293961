#!/usr/bin/env node
// The audit is compiled with the rest of the repository (tsconfig.build.json) into dist/; this
// shim is the package's bin so that npm links it (a bin path may not leave the package). Inside
// the repository, before a build, `npx tsx audit/cli.ts audit ...` runs the sources.
require("../../dist/audit/cli.js").run();
