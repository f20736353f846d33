/** @type {import('@remix-run/dev').AppConfig} */
export default {
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  watchPaths: ["./prisma/schema.prisma"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    // Off on purpose (docs/decisions/0007-own-production-server.md): single fetch changes what every loader and action
    // returns and how their types flow to components, a migration of every route best made with the move to React
    // Router 7. Set explicitly so `remix build` no longer prints its notice on every build.
    v3_singleFetch: false,
  },
};
