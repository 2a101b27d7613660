// What the Pulumi program declares and the policy pack reads back: resource types,
// property names and annotation keys. One place, so neither side spells them twice.

export const TYPES = {
  oxContext: "pulumi-nodejs:dynamic/ox:Context",
  oxUser: "pulumi-nodejs:dynamic/ox:User",
  key: "random:index/randomPassword:RandomPassword",
  secret: "kubernetes:core/v1:Secret",
  configMap: "kubernetes:core/v1:ConfigMap",
  job: "kubernetes:batch/v1:Job",
  persistentVolumeClaim: "kubernetes:core/v1:PersistentVolumeClaim",
  waveComponent: "oxmig:migration:Wave",
  contextComponent: "oxmig:ox:ContextStack",
} as const;

/** OX user `userAttributes` keys carrying the binding's identity (OX stores them as opaque strings). */
export const USER_ATTRIBUTES = {
  mailboxId: "oxmig/mailbox-id",
  ownerId: "oxmig/owner-id",
  kind: "oxmig/kind",
  sourceGuid: "oxmig/source-exchange-guid",
  keyName: "oxmig/key-name",
  /** The plan's reviewed reason (`contextException`) for a context other than the owner's organisation. */
  contextException: "oxmig/context-exception",
  /** The plan's containment reason (`contain`): why this user is disabled (mailenabled=false). */
  containment: "oxmig/containment",
} as const;

/** Kubernetes labels and annotations on the Dovecot userdb Secret and the pairing ConfigMap. */
export const K8S = {
  labelContext: "oxmig.example/context",
  labelWave: "oxmig.example/wave",
  labelRole: "oxmig.example/role",
  /** JSON array of UserdbIndexEntry: the userdb's binding-critical lines, known at preview. */
  annotationUserdbIndex: "oxmig.example/userdb-index",
  annotationPhase: "oxmig.example/phase",
  /** Key in the userdb Secret's stringData holding the passwd-file. */
  userdbDataKey: "passwd",
  /** Key in the pairing ConfigMap's data holding the JSON pairing table. */
  pairingsDataKey: "pairings.json",
  /** Key in the `acl-<context>` ConfigMap's data: the `doveadm acl set` script granting delegates (core/acl-grants.ts). */
  aclScriptKey: "apply-acl.sh",
  /** Key in the `deny-<context>` ConfigMap's data: the contained logins, the deny passdb's passwd-file (core/containment.ts). */
  denyDataKey: "deny.passwd",
} as const;

/** `keepers` of a key resource: only the immutable id, so renames never rotate a key. */
export interface KeyKeepers {
  readonly mailboxId: string;
}

/** One line of a Dovecot userdb, without the secret. */
export interface UserdbIndexEntry {
  readonly login: string;
  readonly home: string;
  readonly mailboxId: string;
  readonly keyName: string;
}

/** One migration pair as the Job reads it. */
export interface Pairing {
  readonly mailboxId: string;
  /** Exchange source login (imapc_user). */
  readonly sourceLogin: string;
  readonly sourceExchangeGuid: string;
  /** Target Dovecot login (doveadm -u). */
  readonly targetLogin: string;
  /**
   * The plan's reviewed reason (`remigrate:`) to re-migrate this pair after a wrong pairing was applied
   * and cleaned: the Job imports what the target lacks instead of backup/sync (core/lifecycle.ts).
   */
  readonly remigrate?: string;
}
