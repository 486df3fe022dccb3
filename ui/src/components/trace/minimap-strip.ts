// The minimap's picture of the whole trace, rasterised directly into pixels: each pixel row
// stands for a run of rows; per pixel, the service whose spans cover it most gives the
// colour. Coverage is counted with difference arrays, so the cost is one step per span plus
// one per pixel and service, whatever the spans' widths (100 000 canvas fillRects took a
// second; this takes a few milliseconds).
import { serviceColor } from '../../theme.ts';
import type { TraceModel } from './model.ts';

/** CSS colours as [r, g, b], read back from a 1×1 canvas. */
function rgbOf(colors: string[]): Uint8ClampedArray[] {
  const ctx = Object.assign(document.createElement('canvas'), { width: 1, height: 1 }).getContext('2d', { willReadFrequently: true })!;
  return colors.map((color) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    return ctx.getImageData(0, 0, 1, 1).data;
  });
}

export function drawStrip(model: TraceModel, rows: Int32Array, width: number, height: number, background: string): ImageData {
  const image = new ImageData(Math.max(width, 1), Math.max(height, 1));
  const pixels = image.data;
  const [bg, ...palette] = rgbOf([background, ...model.services.map(serviceColor)]);
  for (let p = 0; p < pixels.length; p += 4) pixels.set(bg, p);
  const services = model.services.length;
  const stride = width + 1;
  const diff = new Int32Array(services * stride);
  const coverage = new Int32Array(services);
  const scale = width / Math.max(model.durationNs, 1);
  const count = rows.length;
  const gap = count > 0 && height / count >= 4; // few rows: a pixel of space between them

  for (let y = 0; y < height && count > 0; y++) {
    const r0 = Math.floor((y * count) / height);
    const r1 = Math.max(r0 + 1, Math.floor(((y + 1) * count) / height));
    if (gap && Math.floor(((y + 1) * count) / height) > r0) continue;
    diff.fill(0);
    for (let r = r0; r < r1 && r < count; r++) {
      const i = rows[r];
      const s = model.serviceIndex[i];
      const x0 = Math.min(Math.floor(model.start[i] * scale), width - 1);
      const x1 = Math.min(Math.max(Math.ceil(model.end[i] * scale), x0 + 1), width);
      diff[s * stride + x0]++;
      diff[s * stride + x1]--;
    }
    coverage.fill(0);
    for (let x = 0; x < width; x++) {
      let best = -1;
      let most = 0;
      for (let s = 0; s < services; s++) {
        coverage[s] += diff[s * stride + x];
        if (coverage[s] > most) {
          most = coverage[s];
          best = s;
        }
      }
      if (best >= 0) pixels.set(palette[best], (y * width + x) * 4);
    }
  }
  return image;
}
