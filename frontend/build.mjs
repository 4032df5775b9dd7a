// Bundles src/main.js and src/main.css into ../beffroi/static/build/ (served by Beffroi itself).
import * as esbuild from "esbuild";

await esbuild.build({
  entryPoints: ["src/main.js", "src/main.css"],
  bundle: true,
  minify: true,
  sourcemap: true,
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  outdir: "../beffroi/static/build",
  logLevel: "warning",
});
