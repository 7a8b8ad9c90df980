export * from "./accounts";
export * from "./organisations";
export * from "./programmes";
export * from "./mail";
export * from "./courses";
export * from "./audit";
