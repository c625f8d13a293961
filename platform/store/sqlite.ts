/** `node:sqlite` is loaded on first use, so nothing that merely imports the platform needs it. */
export function loadSqlite(): typeof import("node:sqlite") {
  try {
    return require("node:sqlite") as typeof import("node:sqlite");
  } catch (err) {
    throw new Error(`the local platform needs node:sqlite, built into Node 22.13 and newer (${(err as Error).message.split("\n")[0]}): run it on Node 24 LTS`);
  }
}
