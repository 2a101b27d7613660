// The pack: only constructs it (constructing a PolicyPack starts the analyzer server).
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_NAME } from "./all";

new PolicyPack(PACK_NAME, {
  enforcementLevel: "mandatory",
  policies: [...ALL_POLICIES],
});
