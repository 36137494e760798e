// The Kubernetes manifests under deploy/ cannot be applied here (no cluster), so they are checked
// as files: each document is valid for its kind (the Kubernetes schemas of kubernetes-models), read
// as Kubernetes reads YAML (1.1: an unquoted `on` is a boolean); and the must-haves hold against the
// code: probes on the paths the processes serve, on their configured ports; limits; non-root and
// read-only; a grace period longer than the job timeout; roles that cover every job type; settings
// the configuration accepts, and a production start of every process that would succeed
// (NODE_ENV=production refuses development defaults); credentials only as files from Secrets;
// PDBs, HPAs and Services that point at Deployments that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler, type IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget, type IPodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount, type IContainer, type IService } from 'kubernetes-models/v1';
import { workers } from '../../workers/index.ts';
import { isFarmRole, workersOfRole } from '../../src/main/farm/roles.ts';
import { ConfigError, configSchema, loadConfig, type ConfigPurpose } from '../../src/platform/config.ts';
import { CONFIG_PURPOSES } from '../../src/platform/production-config.ts';
import { OPS_PATHS } from '../../src/platform/ops-endpoints.ts';
import { FILE_SETTINGS, SECRET_SETTINGS } from '../../src/platform/secret-files.ts';
import { FARM_NODE_FLAGS } from '../../src/main/farm/node-flags.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const deployDir = path.join(root, 'deploy');

type Doc = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } };

function load(file: string): Doc[] {
  const docs = parseAllDocuments(readFileSync(path.join(deployDir, file), 'utf8'), { version: '1.1' });
  return docs.map((d, i) => {
    if (d.errors.length) throw new Error(`${file} document ${i + 1}: ${d.errors.map((e) => e.message).join('; ')}`);
    return d.toJS() as Doc;
  });
}

const kustomization = load('kustomization.yaml')[0] as Doc & { resources: string[]; namespace: string; images: { name: string; newTag?: string }[] };
const manifestFiles = readdirSync(deployDir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml' && f !== 'secret.example.yaml');
const docs = kustomization.resources.flatMap(load);
const exampleSecrets = load('secret.example.yaml') as (Doc & { stringData: Record<string, string> })[];
const ofKind = <T>(kind: string) => docs.filter((d) => d.kind === kind) as unknown as T[];
const deployments = ofKind<IDeployment & { metadata: { name: string } }>('Deployment');
const configMap = ofKind<{ metadata: { name: string }; data: Record<string, string> }>('ConfigMap').find((c) => c.metadata.name === 'farm-config')!;

const podLabels = (d: IDeployment) => d.spec?.template.metadata?.labels ?? {};
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) => !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
const containersOf = (d: IDeployment) => d.spec?.template.spec?.containers ?? [];
const isFarm = (c: IContainer) => c.command?.join(' ') === 'node dist/src/main/farm.js';
/** the source a compiled entry point (dist/…/x.js, what the image ships) is built from */
const sourceOf = (script: string) => script.replace(/^dist\//, '').replace(/\.js$/, '.ts');

const modelOf = (doc: Doc): { validate(): void } | undefined => {
  switch (`${doc.apiVersion}/${doc.kind}`) {
    case 'apps/v1/Deployment':
      return new Deployment(doc as never);
    case 'autoscaling/v2/HorizontalPodAutoscaler':
      return new HorizontalPodAutoscaler(doc as never);
    case 'policy/v1/PodDisruptionBudget':
      return new PodDisruptionBudget(doc as never);
    case 'v1/ConfigMap':
      return new ConfigMap(doc as never);
    case 'v1/Service':
      return new Service(doc as never);
    case 'v1/Namespace':
      return new Namespace(doc as never);
    case 'v1/ServiceAccount':
      return new ServiceAccount(doc as never);
    case 'v1/Secret':
      return new Secret(doc as never);
    default:
      return undefined;
  }
};

/** CPU in millicores, memory in bytes. */
function quantity(q: string | number | undefined): number {
  if (q === undefined) return Number.NaN;
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(String(q));
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return { m: n, Ki: n * 1024, Mi: n * 1024 ** 2, Gi: n * 1024 ** 3, '': n * 1000 }[m[2] ?? ''] ?? Number.NaN;
}

test('kustomization lists every manifest (and no Secret), in the namespace the manifests declare', () => {
  expect([...kustomization.resources].sort()).toEqual(manifestFiles.sort());
  expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
  const namespace = ofKind<Doc>('Namespace')[0]!;
  expect(kustomization.namespace).toBe(namespace.metadata.name);
  expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  const images = new Set(deployments.flatMap((d) => containersOf(d).map((c) => c.image?.split(':')[0])));
  expect([...images]).toEqual(kustomization.images.map((i) => i.name));
});

test.each([...kustomization.resources, 'secret.example.yaml'])('%s: every document is valid for its kind', (file) => {
  for (const doc of load(file)) {
    expect(doc.metadata?.name).toEqual(expect.any(String));
    const model = modelOf(doc);
    if (!model) throw new Error(`${file}: no schema known for ${doc.apiVersion} ${doc.kind}`);
    expect(() => model.validate()).not.toThrow();
  }
});

describe.each(deployments.map((d) => [d.metadata.name, d] as const))('Deployment %s', (_name, d) => {
  const pod = d.spec!.template.spec!;
  const containers = containersOf(d);

  test('selects its own pods', () => {
    expect(matches(d.spec?.selector.matchLabels, podLabels(d))).toBe(true);
  });

  test('runs a process of this repository', () => {
    for (const c of containers) {
      const script = c.command?.[1] ?? '';
      expect(c.command?.[0]).toBe('node');
      // the image ships compiled JavaScript only
      expect(script).toMatch(/^dist\/src\/main\/[\w-]+\.js$/);
      expect(existsSync(path.join(root, sourceOf(script)))).toBe(true);
    }
  });

  test('probes liveness and readiness on paths the process serves, on its configured port', () => {
    for (const c of containers) {
      const setting = isFarm(c) ? 'FARM_HTTP_PORT' : 'HTTP_PORT';
      const port = Number(configMap.data[setting] ?? configSchema.shape[setting].parse(undefined));
      for (const [probe, pathExpected] of [[c.livenessProbe, '/health/live'], [c.readinessProbe, '/health/ready'], [c.startupProbe, '/health/live']] as const) {
        expect(probe?.httpGet?.path).toBe(pathExpected);
        expect(OPS_PATHS).toContain(probe?.httpGet?.path);
        const named = c.ports?.find((p) => p.name === probe?.httpGet?.port || p.containerPort === probe?.httpGet?.port);
        expect(named?.containerPort).toBe(port);
      }
    }
  });

  test('requests and limits CPU and memory, limits not below requests', () => {
    for (const c of containers) {
      for (const r of ['cpu', 'memory'] as const) {
        const request = quantity(c.resources?.requests?.[r] as string | undefined);
        const limit = quantity(c.resources?.limits?.[r] as string | undefined);
        expect(request).toBeGreaterThan(0);
        expect(limit).toBeGreaterThanOrEqual(request);
      }
    }
  });

  test('runs non-root, read-only, without privileges or a service account token', () => {
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
    expect(pod.automountServiceAccountToken).toBe(false);
    for (const c of containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(c.securityContext?.runAsUser).not.toBe(0);
      expect(c.securityContext?.privileged).not.toBe(true);
    }
  });

  test('credentials only as files from a Secret, every one a setting the farm reads from a file', () => {
    for (const c of containers) {
      for (const e of c.env ?? []) {
        const setting = e.name.replace(/_FILE$/, '');
        if ((SECRET_SETTINGS as readonly string[]).includes(e.name)) throw new Error(`${e.name} given as a value: mount it and set ${e.name}_FILE`);
        if (!e.name.endsWith('_FILE')) continue;
        expect(FILE_SETTINGS).toContain(setting);
        const mount = c.volumeMounts?.find((m) => e.value?.startsWith(`${m.mountPath}/`));
        expect(mount).toBeDefined();
        const key = e.value!.slice(mount!.mountPath.length + 1);
        const volume = pod.volumes?.find((v) => v.name === mount!.name);
        const secretName = volume?.secret?.secretName;
        expect(secretName).toBeDefined();
        const items = volume?.secret?.items;
        const sourceKey = items ? items.find((i) => i.path === key)?.key : key;
        expect(Object.keys(exampleSecrets.find((s) => s.metadata.name === secretName)?.stringData ?? {})).toContain(sourceKey);
      }
    }
  });

  if (containers.some(isFarm)) {
    test('a farm role, and a grace period longer than the job timeout so the drain ends first', () => {
      for (const c of containers.filter(isFarm)) {
        const role = c.args?.[c.args.indexOf('--role') + 1] ?? '';
        expect(isFarmRole(role)).toBe(true);
      }
      const jobTimeoutMs = Number(configMap.data.FARM_JOB_TIMEOUT_MS ?? configSchema.shape.FARM_JOB_TIMEOUT_MS.parse(undefined));
      expect((pod.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(jobTimeoutMs);
    });

    test('the replica heap settings of src/main/farm/node-flags.ts, within the memory limit', () => {
      for (const c of containers.filter(isFarm)) {
        expect(c.env?.find((e) => e.name === 'NODE_OPTIONS')?.value).toBe(FARM_NODE_FLAGS.join(' '));
        const oldSpaceMb = Number(/--max-old-space-size=(\d+)/.exec(FARM_NODE_FLAGS.join(' '))?.[1]);
        // the heap cap plus ~110 MB outside the heap (code, gRPC, buffers) must fit under the limit
        expect(quantity(c.resources?.limits?.memory as string | undefined)).toBeGreaterThanOrEqual((oldSpaceMb + 110) * 1024 * 1024);
      }
    });
  }
});

test('the farm Deployments together serve every job type', () => {
  const roles = deployments.flatMap((d) => containersOf(d).filter(isFarm).map((c) => c.args?.[c.args.indexOf('--role') + 1] ?? ''));
  const served = new Set(roles.filter(isFarmRole).flatMap((r) => workersOfRole(r, workers).map((w) => w.type)));
  expect(workers.map((w) => w.type).filter((t) => !served.has(t))).toEqual([]);
  expect(roles).toEqual(expect.arrayContaining(['fulfillment', 'reconciliation']));
});

/** The process a container runs (dist/src/main/<purpose>.js): its production requirements apply. */
const purposeOf = (c: IContainer): ConfigPurpose => {
  const purpose = /^dist\/src\/main\/([\w-]+)\.js$/.exec(c.command?.[1] ?? '')?.[1] ?? '';
  if (!(CONFIG_PURPOSES as readonly string[]).includes(purpose)) throw new Error(`${c.name}: no configuration purpose for ${c.command?.join(' ')}`);
  return purpose as ConfigPurpose;
};

/** What a container's process sees: the ConfigMap, its literal env and (stand-ins for) the files it mounts. */
function containerEnv(c: IContainer, withSecrets: boolean): NodeJS.ProcessEnv {
  const literal = Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined && !e.name.endsWith('_FILE') && e.name !== 'NODE_OPTIONS').map((e) => [e.name, e.value!]));
  // a stand-in for each mounted file: no development value, long enough for a signing secret
  const fromFiles = Object.fromEntries(
    (c.env ?? [])
      .filter((e) => e.name.endsWith('_FILE'))
      .map((e) => e.name.replace(/_FILE$/, ''))
      .map((name) => [name, `stand-in-for-${name.toLowerCase()}-from-the-secret`]),
  );
  return { ...configMap.data, ...literal, ...(withSecrets ? fromFiles : {}) };
}

test('the ConfigMap holds only settings the configuration knows, accepts, and no credential; it says production', () => {
  const known = Object.keys(configSchema.shape);
  expect(Object.keys(configMap.data).filter((k) => !known.includes(k))).toEqual([]);
  expect(Object.keys(configMap.data).filter((k) => (SECRET_SETTINGS as readonly string[]).includes(k))).toEqual([]);
  expect(configMap.data.NODE_ENV).toBe('production');
});

describe.each(deployments.flatMap((d) => containersOf(d).map((c) => [`${d.metadata.name}/${c.name}`, c] as const)))('container %s', (_name, c) => {
  test('starts in production: every setting its process requires is given, credentials from the mounted Secret', () => {
    expect(() => loadConfig(containerEnv(c, true), purposeOf(c))).not.toThrow();
  });

  test('mounts the credentials its process asks for: without the files, those and only those are refused', () => {
    let refused: readonly string[] = [];
    try {
      loadConfig(containerEnv(c, false), purposeOf(c));
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      refused = err.variables;
    }
    const mounted = (c.env ?? []).filter((e) => e.name.endsWith('_FILE')).map((e) => e.name.replace(/_FILE$/, ''));
    expect([...refused].sort()).toEqual(mounted.filter((name) => (SECRET_SETTINGS as readonly string[]).includes(name)).sort());
  });
});

test('every PodDisruptionBudget covers one Deployment and still lets a node drain', () => {
  const pdbs = ofKind<IPodDisruptionBudget & { metadata: { name: string } }>('PodDisruptionBudget');
  expect(pdbs.length).toBeGreaterThan(0);
  for (const pdb of pdbs) {
    const covered = deployments.filter((d) => matches(pdb.spec?.selector?.matchLabels, podLabels(d)));
    expect(covered.map((d) => d.metadata.name)).toHaveLength(1);
    expect(Number(pdb.spec?.maxUnavailable ?? 0) >= 1 || pdb.spec?.minAvailable !== undefined).toBe(true);
  }
  // every Deployment has one
  expect(deployments.filter((d) => !pdbs.some((p) => matches(p.spec?.selector?.matchLabels, podLabels(d)))).map((d) => d.metadata.name)).toEqual([]);
});

test('every HorizontalPodAutoscaler scales an existing Deployment, which leaves its replica count to it', () => {
  const hpas = ofKind<IHorizontalPodAutoscaler & { metadata: { name: string } }>('HorizontalPodAutoscaler');
  expect(hpas.length).toBeGreaterThan(0);
  for (const hpa of hpas) {
    const target = deployments.find((d) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && d.metadata.name === hpa.spec.scaleTargetRef.name);
    expect(target).toBeDefined();
    expect(target?.spec?.replicas).toBeUndefined();
    expect(hpa.spec?.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec!.maxReplicas).toBeGreaterThan(hpa.spec!.minReplicas!);
  }
  for (const d of deployments.filter((d) => !hpas.some((h) => h.spec?.scaleTargetRef.name === d.metadata.name))) {
    expect(d.spec?.replicas).toBeGreaterThanOrEqual(2);
  }
});

test('every Service selects Deployments that have the port it targets', () => {
  const services = ofKind<IService & { metadata: { name: string } }>('Service');
  expect(services.map((s) => s.metadata.name)).toEqual(expect.arrayContaining(['intake', 'farm-metrics']));
  for (const s of services) {
    const selected = deployments.filter((d) => matches(s.spec?.selector, podLabels(d)));
    expect(selected.length).toBeGreaterThan(0);
    for (const d of selected) {
      for (const p of s.spec?.ports ?? []) {
        expect(containersOf(d).some((c) => c.ports?.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort))).toBe(true);
      }
    }
  }
  // the farm-metrics Service reaches every farm replica, whatever its role
  const metrics = services.find((s) => s.metadata.name === 'farm-metrics')!;
  expect(deployments.filter((d) => containersOf(d).some(isFarm) && !matches(metrics.spec?.selector, podLabels(d)))).toEqual([]);
});
