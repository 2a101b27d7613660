// The OX context dynamic provider; its operations live in context-ops.ts (see lazy-provider.ts for why).
import * as path from "node:path";
import { lazyProvider } from "./lazy-provider";

export const oxContextProvider = lazyProvider(path.join(__dirname, "context-ops"), "Context");
