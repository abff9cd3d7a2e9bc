// A line chart on a canvas: several series against training step, linear or log y, with a legend.

const PALETTE = ['#58a6ff', '#f78166', '#3fb950', '#d29922', '#bc8cff', '#ff7b72', '#39c5cf', '#e3b341', '#8b949e', '#db61a2', '#79c0ff', '#56d364'];

export function drawLineChart(canvas, title, series, { logY = false } = {}) {
  const width = (canvas.width = canvas.clientWidth || 800);
  const height = (canvas.height = canvas.clientHeight || 260);
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  const pad = { left: 56, right: 150, top: 22, bottom: 22 };
  const transform = (y) => (logY ? Math.log10(y) : y);
  const points = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
  ctx.fillStyle = '#e6e6e6';
  ctx.fillText(title, pad.left, 14);
  if (points.length === 0) {
    ctx.fillStyle = '#9aa0a6';
    ctx.fillText('no data', pad.left, height / 2);
    return;
  }
  const [minX, maxX] = [Math.min(...points.map((p) => p[0])), Math.max(...points.map((p) => p[0]))];
  let [minY, maxY] = [Math.min(...points.map((p) => transform(p[1]))), Math.max(...points.map((p) => transform(p[1])))];
  if (minY === maxY) [minY, maxY] = [minY - 1, maxY + 1];
  const px = (x) => pad.left + ((x - minX) / Math.max(1e-9, maxX - minX)) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((transform(y) - minY) / (maxY - minY)) * (height - pad.top - pad.bottom);

  ctx.strokeStyle = '#30343a';
  ctx.fillStyle = '#9aa0a6';
  for (let i = 0; i <= 4; i++) {
    const value = minY + (i / 4) * (maxY - minY);
    const y = height - pad.bottom - (i / 4) * (height - pad.top - pad.bottom);
    ctx.beginPath();
    ctx.moveTo(pad.left, y);
    ctx.lineTo(width - pad.right, y);
    ctx.stroke();
    ctx.fillText((logY ? 10 ** value : value).toPrecision(3), 4, y + 4);
  }
  ctx.fillText(`step ${minX}`, pad.left, height - 6);
  ctx.fillText(`step ${maxX}`, width - pad.right - 50, height - 6);

  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    const usable = s.points.filter(([, y]) => Number.isFinite(y) && (!logY || y > 0));
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    usable.forEach(([x, y], j) => (j === 0 ? ctx.moveTo(px(x), py(y)) : ctx.lineTo(px(x), py(y))));
    ctx.stroke();
    if (usable.length === 1) ctx.fillRect(px(usable[0][0]) - 2, py(usable[0][1]) - 2, 4, 4);
    ctx.fillStyle = color;
    ctx.fillText(s.name, width - pad.right + 10, pad.top + 12 * i + 8);
  });
}
