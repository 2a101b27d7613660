import { describe, expect, it } from "vitest";
import { K8S } from "@oxmig/core/contract";
import { migrationNetworkPolicyName, migrationNetworkPolicySpec } from "../../../infra/components/migration-network";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- declared data, read loosely
const spec = (cidrs: string[] = [], port = 993): Obj =>
  migrationNetworkPolicySpec({ stack: "prod-fa", namespace: "oxmig-prod", settings: { sourceImapPort: port, sourceImapCidrs: cidrs } }) as Obj;

describe("the migration pods' NetworkPolicy", () => {
  it("selects the migration pods, lets nothing in, and out only DNS and the source IMAP port", () => {
    const policy = spec(["192.0.2.10/32"]);
    expect(policy.metadata).toMatchObject({ name: "migration-egress-prod-fa", namespace: "oxmig-prod" });
    expect(policy.spec.podSelector).toEqual({ matchLabels: { [K8S.labelRole]: "migration" } });
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toHaveLength(2);
    expect(policy.spec.egress[0].ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
    expect(policy.spec.egress[0].to[0].podSelector).toEqual({ matchLabels: { "k8s-app": "kube-dns" } });
    expect(policy.spec.egress[1]).toEqual({ to: [{ ipBlock: { cidr: "192.0.2.10/32" } }], ports: [{ protocol: "TCP", port: 993 }] });
  });

  it("without CIDRs the source rule is the port alone (any address), never an empty `to` that Kubernetes reads as nothing", () => {
    expect(spec([], 1993).spec.egress[1]).toEqual({ ports: [{ protocol: "TCP", port: 1993 }] });
  });

  it("a stack name becomes a Kubernetes name", () => {
    expect(migrationNetworkPolicyName("Prod_FA.eu")).toBe("migration-egress-prod-fa-eu");
  });
});
