// Makes the bin executable after tsc (tsc drops the mode bit); runs on every build.
import { chmodSync, existsSync } from "node:fs";
const bin = new URL("../dist/index.js", import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
