// Delegation of a context's shared, room and equipment mailboxes, declared as what grants it: the
// `doveadm acl set` script (core/acl-grants.ts) in ConfigMap `acl-<context>`. The policy pack reads
// that script back (delegation-within-organisation); nothing else declares who may open whose mailbox.
//
// Not declared here (left to do): the Job that runs the script in the Dovecot pod. It must run only
// after a wave's final copy, since `acl set` creates the INBOX that `backup -R` must create first.
// Dovecot needs `mail_plugins = acl mail_crypt mail_crypt_acl`, `imap_acl` for IMAP, `acl = vfile`,
// `acl_user = %u` (OX logs in as a master user), `acl_shared_dict` (LIST of shared mailboxes) and
// `mail_crypt_acl_require_secure_key_sharing = yes` (verified in test/rehearsal/delegation.test.ts).
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { renderAclScript, type AclGrantSpec } from "@oxmig/core/acl-grants";
import { K8S } from "@oxmig/core/contract";
import type { Binding } from "@oxmig/core/model";

/** One grant spec per functional mailbox with delegates; delegate logins as Dovecot knows them (lower-cased uids). */
export function aclGrantSpecs(bindings: readonly Binding[]): AclGrantSpec[] {
  return bindings
    .filter((b) => b.kind !== "personal" && b.delegates.length > 0)
    .map((b) => ({ mailboxLogin: b.dovecotLogin, delegateLogins: b.delegates.map((uid) => uid.toLowerCase()) }));
}

export interface DelegationArgs {
  readonly context: string;
  /** Bindings of this context's selected waves. */
  readonly bindings: readonly Binding[];
  readonly namespace: string;
  readonly k8sProvider?: k8s.Provider;
}

export function declareDelegation(args: DelegationArgs, parent?: pulumi.Resource): k8s.core.v1.ConfigMap {
  const name = `acl-${args.context}`;
  return new k8s.core.v1.ConfigMap(
    name,
    {
      metadata: { name, namespace: args.namespace, labels: { [K8S.labelContext]: args.context, [K8S.labelRole]: "acl" } },
      data: { [K8S.aclScriptKey]: renderAclScript(aclGrantSpecs(args.bindings)) },
    },
    { ...(parent ? { parent } : {}), ...(args.k8sProvider ? { provider: args.k8sProvider } : {}) },
  );
}
