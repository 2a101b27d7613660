// The OX user dynamic provider; its operations live in user-ops.ts (see lazy-provider.ts for why).
import { lazyProvider } from "./lazy-provider";

/** Relative to the project root: the serialised provider carries no path of this checkout. */
export const oxUserProvider = lazyProvider("infra/ox/user-ops", "User");
