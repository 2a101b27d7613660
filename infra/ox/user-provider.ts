// The OX user dynamic provider; its operations live in user-ops.ts (see lazy-provider.ts for why).
import * as path from "node:path";
import { lazyProvider } from "./lazy-provider";

export const oxUserProvider = lazyProvider(path.join(__dirname, "user-ops"), "User");
