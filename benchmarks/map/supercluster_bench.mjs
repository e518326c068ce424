// The peer side of benchmarks/map/bench_map.py: supercluster on the same points and views.
// Usage: node supercluster_bench.mjs NODE_DIR POINTS_BIN VIEWS_JSON
// POINTS_BIN holds n float64 longitudes, n latitudes, then n ids (little-endian).
// Prints one JSON object: build and change times, and per-view query times.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [nodeDir, pointsPath, viewsPath] = process.argv.slice(2);
const { default: Supercluster } = await import(
  pathToFileURL(join(nodeDir, 'node_modules', 'supercluster', 'index.js')).href
);
const spec = JSON.parse(readFileSync(viewsPath, 'utf8'));
const buf = readFileSync(pointsPath);
const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
const n = all.length / 3;
const features = new Array(n);
for (let i = 0; i < n; i++) {
  features[i] = {
    type: 'Feature',
    properties: { id: all[2 * n + i] },
    geometry: { type: 'Point', coordinates: [all[i], all[n + i]] },
  };
}
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

let t0 = process.hrtime.bigint();
const index = new Supercluster(spec.options).load(features);
const buildMs = ms(t0);

// A change: supercluster has no update, so one item published means a rebuild.
const changed = features.slice(1);
changed.push({ type: 'Feature', properties: { id: -1 }, geometry: { type: 'Point', coordinates: spec.change } });
t0 = process.hrtime.bigint();
new Supercluster(spec.options).load(changed);
const changeMs = ms(t0);

const views = spec.views;
for (const v of views) index.getClusters(v.slice(0, 4), v[4]); // warm-up
const times = [];
const sizes = [];
for (const v of views) {
  const runs = [];
  let out = null;
  for (let r = 0; r < spec.repeats; r++) {
    t0 = process.hrtime.bigint();
    out = index.getClusters(v.slice(0, 4), v[4]);
    runs.push(ms(t0));
  }
  runs.sort((a, b) => a - b);
  times.push(runs[Math.floor(runs.length / 2)]);
  sizes.push(out.length);
}
process.stdout.write(JSON.stringify({ build_ms: buildMs, change_ms: changeMs, view_ms: times, view_items: sizes }));
