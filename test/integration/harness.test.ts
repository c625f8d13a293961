// The real-part harnesses start, answer one real round trip, and stop.
import { expect } from "chai";
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { startMoto, motoClientConfig, motoReset, type MotoServer } from "../support/moto";

describe("moto harness", function () {
  this.timeout(120_000);
  let moto: MotoServer | undefined;

  after(async () => {
    await moto?.stop();
  });

  it("starts moto, round-trips a KMS data key bound to its encryption context, resets and stops", async () => {
    moto = await startMoto();
    expect(moto.endpoint).to.equal(`http://127.0.0.1:${moto.port}`);
    expect(moto.env()).to.include({ AWS_ENDPOINT_URL: moto.endpoint, AWS_REGION: "us-east-1" });

    const kms = new KMSClient(motoClientConfig(moto.endpoint));
    const key = await kms.send(new CreateKeyCommand({ Description: "harness" }));
    const keyId = key.KeyMetadata?.KeyId;
    expect(keyId).to.be.a("string");
    const context = { tenant: "t-1" };
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256", EncryptionContext: context }));
    const plain = await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }));
    expect(Buffer.from(plain.Plaintext!).equals(Buffer.from(dataKey.Plaintext!))).to.equal(true);

    let otherContext: unknown;
    try {
      await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: { tenant: "t-2" } }));
    } catch (err) {
      otherContext = err;
    }
    expect((otherContext as Error | undefined)?.name).to.equal("InvalidCiphertextException");

    await motoReset(moto.endpoint);
    let afterReset: unknown;
    try {
      await kms.send(new DecryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, EncryptionContext: context }));
    } catch (err) {
      afterReset = err;
    }
    expect(afterReset, "the key is gone after reset").to.be.instanceOf(Error);

    const endpoint = moto.endpoint;
    await moto.stop();
    moto = undefined;
    const down = await fetch(`${endpoint}/moto-api/data.json`).then(
      () => "answered",
      () => "refused",
    );
    expect(down).to.equal("refused");
  });
});
