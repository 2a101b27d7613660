// A stand-in for the Kubernetes API server on loopback (no cluster runs here): HTTPS with a
// certificate made for this run (openssl, key kept in memory only), bearer-token authentication, and
// GET /apis/batch/v1/namespaces/<ns>/jobs/<name> answering Job objects, or a Status object with 404
// or 401, as the API server does. Every request is recorded so a test can see what the client sent.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dump } from "js-yaml";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorized: boolean;
}

export interface FakeKubeApi {
  readonly url: string;
  /** The server certificate (PEM), the kubeconfig's certificate-authority-data. */
  readonly ca: string;
  /** Bearer token the server accepts (synthetic, per run). */
  readonly token: string;
  /** `<namespace>/<name>` → Job object. */
  readonly jobs: Map<string, unknown>;
  readonly requests: RecordedRequest[];
  /** A kubeconfig file for this server (`token` defaults to the accepted one). */
  writeKubeconfig(dir: string, token?: string): string;
  close(): Promise<void>;
}

function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "oxmig-fake-kube-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const status = (code: number, reason: string, message: string) => ({
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message,
  reason,
  code,
});

export async function startFakeKubeApi(): Promise<FakeKubeApi> {
  const { key, cert } = selfSignedCertificate();
  const token = randomBytes(16).toString("hex");
  const jobs = new Map<string, unknown>();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer({ key, cert }, (req, res) => {
    const authorized = req.headers.authorization === `Bearer ${token}`;
    requests.push({ method: req.method ?? "", path: req.url ?? "", authorized });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (!authorized) return send(401, status(401, "Unauthorized", "Unauthorized"));
    const m = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs\/([^/?]+)$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) return send(404, status(404, "NotFound", "the server could not find the requested resource"));
    const job = jobs.get(`${m[1]}/${m[2]}`);
    return job
      ? send(200, job)
      : send(404, { ...status(404, "NotFound", `jobs.batch "${m[2]}" not found`), details: { name: m[2], group: "batch", kind: "jobs" } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    ca: cert,
    token,
    jobs,
    requests,
    writeKubeconfig(dir, useToken = token) {
      const file = join(dir, "kubeconfig");
      writeFileSync(
        file,
        dump({
          apiVersion: "v1",
          kind: "Config",
          "current-context": "fake",
          clusters: [{ name: "fake", cluster: { server: url, "certificate-authority-data": Buffer.from(cert).toString("base64") } }],
          users: [{ name: "tester", user: { token: useToken } }],
          contexts: [{ name: "fake", context: { cluster: "fake", user: "tester" } }],
        }),
        { mode: 0o600 },
      );
      return file;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
