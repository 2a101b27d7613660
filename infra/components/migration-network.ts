// The migration pods' network: nothing in, and out only to the source IMAP server and the cluster DNS.
// The target is not reached over the network at all: the Job writes to the mounted mail storage
// and asks its own Dovecot sidecar (a Unix socket) for userdb entries.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { K8S } from "@oxmig/core/contract";
import type { MigrationSettings } from "../migration-settings";
import { MIGRATION_ROLE } from "./migration-job";

export interface MigrationNetworkInput {
  readonly stack: string;
  readonly namespace: string;
  readonly settings: Pick<MigrationSettings, "sourceImapPort" | "sourceImapCidrs">;
}

// CoreDNS keeps kube-dns's label in kubeadm and most distributions; not verified for every cluster.
const CLUSTER_DNS = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** A Kubernetes name from the stack name (stack names may hold capitals, `_` and `.`). */
export const migrationNetworkPolicyName = (stack: string): string =>
  `migration-egress-${stack.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`.slice(0, 63).replace(/-+$/, "");

/** The NetworkPolicy's spec; a policy that selects a pod denies everything it does not allow. */
export function migrationNetworkPolicySpec(input: MigrationNetworkInput): k8s.networking.v1.NetworkPolicyArgs {
  const cidrs = input.settings.sourceImapCidrs;
  return {
    metadata: {
      // Per stack: prod shards share a namespace, and each stack owns its own object (their rules add up).
      name: migrationNetworkPolicyName(input.stack),
      namespace: input.namespace,
      labels: { [K8S.labelRole]: "migration-network" },
    },
    spec: {
      podSelector: { matchLabels: { [K8S.labelRole]: MIGRATION_ROLE } },
      policyTypes: ["Ingress", "Egress"],
      ingress: [],
      egress: [
        // imapc_host is a host name, so the pod must resolve it.
        {
          to: [CLUSTER_DNS],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
        {
          ...(cidrs.length ? { to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) } : {}),
          ports: [{ protocol: "TCP", port: input.settings.sourceImapPort }],
        },
      ],
    },
  };
}

/** Declares the stack's NetworkPolicy for its migration pods. */
export function declareMigrationNetwork(input: MigrationNetworkInput, opts: pulumi.CustomResourceOptions = {}): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(`migration-egress-${input.stack}`, migrationNetworkPolicySpec(input), opts);
}
