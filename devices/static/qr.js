// A minimal QR code encoder (ISO/IEC 18004): byte mode, error correction level M, versions 1-10
// (up to 213 bytes), enough for a ballot receipt with its meeting and poll. It runs in the page,
// so a receipt's QR code needs nothing from the network. The output is checked module for module
// against the Python `qrcode` package by the tests.

const SVG_NS = "http://www.w3.org/2000/svg";

// Error correction level M: [EC codewords per block, [blocks, data codewords per block]...].
const BLOCKS_M = [
  null,
  [10, [1, 16]],
  [16, [1, 28]],
  [26, [1, 44]],
  [18, [2, 32]],
  [24, [2, 43]],
  [16, [4, 27]],
  [18, [4, 31]],
  [22, [2, 38], [2, 39]],
  [22, [3, 36], [2, 37]],
  [26, [4, 43], [1, 44]],
];
const ALIGNMENT = [
  null,
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];
const MAX_VERSION = 10;
const FORMAT_M = 0; // the two error-correction bits of level M

function dataCapacity(version) {
  const [, ...groups] = BLOCKS_M[version];
  return groups.reduce((sum, [count, size]) => sum + count * size, 0);
}

// GF(256) with the polynomial x^8 + x^4 + x^3 + x^2 + 1.
function gfMultiply(x, y) {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

function rsDivisor(degree) {
  const result = new Array(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    for (let j = 0; j < degree; j++) {
      result[j] = gfMultiply(result[j], root);
      if (j + 1 < degree) result[j] ^= result[j + 1];
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

function rsRemainder(data, divisor) {
  const result = new Array(divisor.length).fill(0);
  for (const b of data) {
    const factor = b ^ result.shift();
    result.push(0);
    divisor.forEach((coefficient, i) => {
      result[i] ^= gfMultiply(coefficient, factor);
    });
  }
  return result;
}

function chooseVersion(length) {
  for (let version = 1; version <= MAX_VERSION; version++) {
    const countBits = version < 10 ? 8 : 16;
    if (4 + countBits + 8 * length <= 8 * dataCapacity(version)) return version;
  }
  throw new Error(`QR: ${length} bytes do not fit in version ${MAX_VERSION}-M`);
}

function dataCodewords(bytes, version) {
  const bits = [];
  const put = (value, count) => {
    for (let i = count - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  put(0b0100, 4); // byte mode
  put(bytes.length, version < 10 ? 8 : 16);
  for (const b of bytes) put(b, 8);
  const capacity = 8 * dataCapacity(version);
  put(0, Math.min(4, capacity - bits.length)); // terminator
  while (bits.length % 8) bits.push(0);
  for (let pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
  const words = [];
  for (let i = 0; i < bits.length; i += 8) {
    words.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  }
  return words;
}

function interleave(data, version) {
  const [ecLength, ...groups] = BLOCKS_M[version];
  const divisor = rsDivisor(ecLength);
  const blocks = [];
  let at = 0;
  for (const [count, size] of groups) {
    for (let i = 0; i < count; i++) {
      const block = data.slice(at, at + size);
      at += size;
      blocks.push({ data: block, ec: rsRemainder(block, divisor) });
    }
  }
  const out = [];
  const longest = Math.max(...blocks.map((b) => b.data.length));
  for (let i = 0; i < longest; i++) {
    for (const block of blocks) if (i < block.data.length) out.push(block.data[i]);
  }
  for (let i = 0; i < ecLength; i++) for (const block of blocks) out.push(block.ec[i]);
  return out;
}

class Matrix {
  constructor(version) {
    this.size = 4 * version + 17;
    this.dark = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
    this.fixed = Array.from({ length: this.size }, () => new Array(this.size).fill(false));
  }

  setFixed(row, col, dark) {
    this.dark[row][col] = dark;
    this.fixed[row][col] = true;
  }
}

function drawFunctionPatterns(m, version) {
  const n = m.size;
  for (let i = 0; i < n; i++) {
    m.setFixed(6, i, i % 2 === 0);
    m.setFixed(i, 6, i % 2 === 0);
  }
  for (const [row, col] of [
    [3, 3],
    [3, n - 4],
    [n - 4, 3],
  ]) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const r = row + dy;
        const c = col + dx;
        if (r < 0 || r >= n || c < 0 || c >= n) continue;
        const distance = Math.max(Math.abs(dx), Math.abs(dy));
        m.setFixed(r, c, distance !== 2 && distance !== 4);
      }
    }
  }
  const centres = ALIGNMENT[version];
  for (const row of centres) {
    for (const col of centres) {
      const corner =
        (row === 6 && col === 6) || (row === 6 && col === n - 7) || (row === n - 7 && col === 6);
      if (corner) continue;
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          m.setFixed(row + dy, col + dx, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      }
    }
  }
  drawFormat(m, 0); // reserve the format areas; the real bits are drawn after masking
  drawVersion(m, version);
}

function drawFormat(m, mask) {
  const n = m.size;
  const data = (FORMAT_M << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  const bit = (i) => ((bits >>> i) & 1) === 1;
  // Around the top-left finder (row, col).
  for (let i = 0; i <= 5; i++) m.setFixed(i, 8, bit(i));
  m.setFixed(7, 8, bit(6));
  m.setFixed(8, 8, bit(7));
  m.setFixed(8, 7, bit(8));
  for (let i = 9; i < 15; i++) m.setFixed(8, 14 - i, bit(i));
  // The copy split between the other two finders.
  for (let i = 0; i < 8; i++) m.setFixed(8, n - 1 - i, bit(i));
  for (let i = 8; i < 15; i++) m.setFixed(n - 15 + i, 8, bit(i));
  m.setFixed(n - 8, 8, true); // the dark module
}

function drawVersion(m, version) {
  if (version < 7) return;
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  const bits = (version << 12) | rem;
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    const a = m.size - 11 + (i % 3);
    const b = Math.floor(i / 3);
    m.setFixed(b, a, dark);
    m.setFixed(a, b, dark);
  }
}

function drawCodewords(m, codewords) {
  const n = m.size;
  const total = codewords.length * 8;
  let i = 0;
  for (let right = n - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < n; vert++) {
      for (let j = 0; j < 2; j++) {
        const col = right - j;
        const upward = ((right + 1) & 2) === 0;
        const row = upward ? n - 1 - vert : vert;
        if (m.fixed[row][col]) continue;
        if (i < total) {
          m.dark[row][col] = ((codewords[i >>> 3] >>> (7 - (i & 7))) & 1) === 1;
          i++;
        }
      }
    }
  }
}

const MASKS = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

function applyMask(m, mask) {
  for (let r = 0; r < m.size; r++) {
    for (let c = 0; c < m.size; c++) {
      if (!m.fixed[r][c] && MASKS[mask](r, c)) m.dark[r][c] = !m.dark[r][c];
    }
  }
}

// Penalty rules N1-N4 of the standard, to pick a mask.
function penalty(grid) {
  const n = grid.length;
  let score = 0;
  const lines = [];
  for (let i = 0; i < n; i++) {
    lines.push(grid[i]);
    lines.push(grid.map((row) => row[i]));
  }
  const finderLike = [
    [true, false, true, true, true, false, true, false, false, false, false],
    [false, false, false, false, true, false, true, true, true, false, true],
  ];
  for (const line of lines) {
    let run = 1;
    for (let i = 1; i <= n; i++) {
      if (i < n && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    for (let i = 0; i + 11 <= n; i++) {
      for (const pattern of finderLike) {
        if (pattern.every((dark, k) => line[i + k] === dark)) score += 40;
      }
    }
  }
  let darkCount = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (grid[r][c]) darkCount++;
      if (r + 1 < n && c + 1 < n) {
        const v = grid[r][c];
        if (grid[r][c + 1] === v && grid[r + 1][c] === v && grid[r + 1][c + 1] === v) score += 3;
      }
    }
  }
  const percent = (darkCount * 100) / (n * n);
  score += Math.floor(Math.abs(percent - 50) / 5) * 10;
  return score;
}

/**
 * Encode `text` (UTF-8, byte mode, level M). Returns the module matrix: an array of rows of
 * booleans (true = dark), without the quiet zone. `mask` (0-7) forces a mask pattern.
 */
export function encodeQR(text, mask = null) {
  const bytes = new TextEncoder().encode(text);
  const version = chooseVersion(bytes.length);
  const codewords = interleave(dataCodewords(bytes, version), version);
  const build = (k) => {
    const m = new Matrix(version);
    drawFunctionPatterns(m, version);
    drawCodewords(m, codewords);
    applyMask(m, k);
    drawFormat(m, k);
    return m.dark;
  };
  if (mask !== null) return build(mask);
  let best = null;
  for (let k = 0; k < 8; k++) {
    const grid = build(k);
    const score = penalty(grid);
    if (best === null || score < best.score) best = { grid, score };
  }
  return best.grid;
}

/** An SVG element drawing the QR code of `text`, with a 4-module quiet zone. */
export function qrSvg(text, label) {
  const grid = encodeQR(text);
  const size = grid.length + 8;
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", `0 0 ${size} ${size}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG_NS, "rect");
  background.setAttribute("width", String(size));
  background.setAttribute("height", String(size));
  background.setAttribute("fill", "#ffffff");
  svg.append(background);
  let d = "";
  grid.forEach((row, r) => {
    row.forEach((dark, c) => {
      if (dark) d += `M${c + 4} ${r + 4}h1v1h-1z`;
    });
  });
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", d);
  path.setAttribute("fill", "#000000");
  svg.append(path);
  return svg;
}
