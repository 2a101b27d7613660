// Preloaded into gate children only when OXMIG_CPU_PROF is set: a stopped child (SIGTERM) exits
// normally, so Node still writes its --cpu-prof profile.
process.on("SIGTERM", () => process.exit(0));
