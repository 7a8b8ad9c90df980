import { reactRouter } from "@react-router/dev/vite";
import tailwindcss from "@tailwindcss/vite";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  server: { port: Number(process.env.PORT ?? 3000) },
  build: { target: "es2022" },
  plugins: [tailwindcss(), reactRouter(), tsconfigPaths()],
  ssr: {
    // Native and WebAssembly packages stay as runtime imports.
    external: ["@node-rs/argon2", "@electric-sql/pglite", "pg", "pg-boss", "nodemailer"],
  },
});
