// The tests talk to the app as the benchmarks do: one client, kept with the scripts (scripts never import tests/).
export * from "../../scripts/support/app-http";
