import { defineConfig } from "vite";
import { viteConfig } from "../vite-config.js";

export default defineConfig(viteConfig("playground"));
