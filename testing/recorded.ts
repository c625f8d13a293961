/**
 * What the mocks saw: every resource registration and every function call, in order.
 */
import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered. */
export interface RecordedResource {
  /** Type token, e.g. `aws:kms/key:Key`. */
  readonly type: string;
  /** Logical name, e.g. `prod-key`. */
  readonly name: string;
  /** The inputs the program passed, as the engine received them. */
  readonly inputs: Record<string, unknown>;
  /** Provider reference `<provider urn>::<provider id>`, when the resource has an explicit or inherited provider. */
  readonly provider?: string;
  /** True for custom resources, false for components. */
  readonly custom: boolean;
  /** The id the mocks returned (undefined for components). */
  readonly id?: string;
  /** The state the mocks returned. */
  readonly state: Record<string, unknown>;
  /** The resource's URN, `urn:pulumi:<stack>::<project>::<parent type>$<type>::<name>`, when the mock monitor knows it. */
  readonly urn?: string;
  /** The parent's type token, read from the URN; undefined for a resource without a parent (other than the stack). */
  readonly parentType?: string;
  /** The logical name of the explicit or inherited provider, read from `provider`. */
  readonly providerName?: string;
}

/** One function call (invoke) the program made. */
export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
}

/** The raw log the mocks write into. */
export interface Recording {
  readonly resources: Omit<RecordedResource, "urn" | "parentType" | "providerName">[];
  readonly calls: RecordedCall[];
}

const recordings = new WeakMap<object, Recording>();

/** Attaches a fresh recording to `mocks` (used by `ekmMocks`). */
export function startRecording(mocks: object): Recording {
  const recording: Recording = { resources: [], calls: [] };
  recordings.set(mocks, recording);
  return recording;
}

/** Queries over what the mocks recorded. */
export class RecordedResources {
  constructor(private readonly recording: Recording) {}

  /** Every resource, in registration order. */
  get all(): RecordedResource[] {
    const urns = mockMonitorUrns();
    return this.recording.resources.map((r) => {
      const urn = urns.find((u) => u.endsWith(`::${r.name}`) && (u.split("::")[2] ?? "").split("$").pop() === r.type);
      const qualifiedType = urn?.split("::")[2]?.split("$");
      const providerParts = r.provider?.split("::");
      return {
        ...r,
        urn,
        parentType: qualifiedType && qualifiedType.length > 1 ? qualifiedType[qualifiedType.length - 2] : undefined,
        providerName: providerParts && providerParts.length >= 2 ? providerParts[providerParts.length - 2] : undefined,
      };
    });
  }

  /** Every function call, in order. */
  get calls(): RecordedCall[] {
    return [...this.recording.calls];
  }

  /** The resources of one type token, in registration order. */
  byType(type: string): RecordedResource[] {
    return this.all.filter((r) => r.type === type);
  }

  /** The resource with this type and name; throws, listing what was recorded, when there is none. */
  find(type: string, name: string): RecordedResource {
    const found = this.all.find((r) => r.type === type && r.name === name);
    if (!found) {
      const seen = this.all.map((r) => `${r.type} ${r.name}`).join(", ") || "nothing";
      throw new Error(`no ${type} named ${JSON.stringify(name)} was registered; recorded: ${seen}`);
    }
    return found;
  }

  /** Forgets everything recorded so far (between tests sharing one mocks object). */
  clear(): void {
    this.recording.resources.length = 0;
    this.recording.calls.length = 0;
  }
}

/** What `mocks` (made by `ekmMocks`) recorded. */
export function recorded(mocks: pulumi.runtime.Mocks): RecordedResources {
  const recording = recordings.get(mocks);
  if (!recording) throw new Error("recorded(mocks): these mocks do not record; create them with ekmMocks()");
  return new RecordedResources(recording);
}

/** URNs known to the SDK's mock monitor (it computes them from the parent chain). */
function mockMonitorUrns(): string[] {
  const monitor = pulumi.runtime.getMonitor() as unknown as { resources?: Map<string, unknown> } | undefined;
  return monitor?.resources instanceof Map ? [...monitor.resources.keys()] : [];
}
