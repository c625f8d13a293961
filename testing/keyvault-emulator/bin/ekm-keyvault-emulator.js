#!/usr/bin/env node
// The emulator is compiled with the rest of the repository (tsconfig.build.json) into dist/;
// this shim is the package's bin so that npm links it (a bin path may not leave the package).
require("../../../dist/testing/keyvault-emulator/cli.js");
