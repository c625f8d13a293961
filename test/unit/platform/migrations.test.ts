/**
 * platform/store/migrations.ts on a real SQLite file: a database written before checks had a
 * status (migration 3) is upgraded in place when the platform opens it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect } from "chai";
import { Db, openDatabase } from "../../../platform/store/db";
import { MIGRATIONS } from "../../../platform/store/migrations";
import { getByokRecord } from "../../../platform/store/byokConfigs";
import { Validation } from "../../../sdk/schemas";

describe("store migrations", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ekm-migrate-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("turns version-3 checks {ok, message} into {status, message}, rewording skipped steps", () => {
    const old = new Db(new DatabaseSync(path.join(dir, "platform.db")));
    for (const sql of MIGRATIONS.slice(0, 3)) old.exec(sql);
    old.exec("PRAGMA user_version = 3");
    old.prepare("INSERT INTO accounts (id, token_hash, external_id, created_at) VALUES ('acct-0001', 'h', 'x', 0)").run();
    const validation = {
      phase: "registration",
      checkedAt: "2026-01-15T09:30:00.000Z",
      ok: false,
      checks: [
        { name: "sts:AssumeRole", ok: true, message: "assumed" },
        { name: "kms:DescribeKey", ok: false, message: "kms:DescribeKey denied" },
        { name: "kms:GenerateDataKey", ok: false, message: "skipped: kms:DescribeKey failed" },
      ],
    };
    old
      .prepare(
        "INSERT INTO byok_configs (account_id, provider, reference, nickname, activation_date, validation, etag, created_at, updated_at) VALUES ('acct-0001', 'aws', ?, 'n', '2026-01-01', ?, '\"e\"', 0, 0)",
      )
      .run(JSON.stringify({ keyArn: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", roleArn: "arn:aws:iam::111122223333:role/r" }), JSON.stringify(validation));
    old.close();

    const db = openDatabase(dir);
    try {
      expect(Number(db.pragmaValue("user_version"))).to.equal(MIGRATIONS.length);
      const rec = getByokRecord(db, "acct-0001")!;
      expect(Validation.parse(rec.validation).checks).to.deep.equal([
        { name: "sts:AssumeRole", status: "ok", message: "assumed" },
        { name: "kms:DescribeKey", status: "failed", message: "kms:DescribeKey denied" },
        { name: "kms:GenerateDataKey", status: "skipped", message: "not run because kms:DescribeKey failed" },
      ]);
      expect([rec.provider, rec.provider === "aws" ? rec.reference.roleArn : undefined]).to.deep.equal(["aws", "arn:aws:iam::111122223333:role/r"]);
    } finally {
      db.close();
    }
  });
});
