import { defineConfig } from "vite";
import { viteConfig } from "../vite-config.js";

export default defineConfig(
  viteConfig("playground", {
    // Monaco's GraphQL worker loads parts of itself on demand, which only an ES-module worker
    // can do (Vite's default, IIFE, allows no code-splitting).
    worker: { format: "es" },
  }),
);
