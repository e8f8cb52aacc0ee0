/**
 * The page's whole style sheet, inlined: system fonts only (a web font would be a request), and
 * colours that stay readable printed or in a dark room.
 */
export const REPORT_STYLE = [
  ':root{color-scheme:light;--ink:#1d2430;--muted:#5b6575;--line:#d9dee7;--ok:#1f7a3d;--bad:#b3261e;--busy:#8a5a00;--accent:#2456a6}',
  'body{margin:0 auto;max-width:1200px;padding:16px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#fff}',
  'h1{font-size:24px;margin:8px 0 0}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}',
  '.source,.note,small{color:var(--muted)}.empty{color:var(--muted);font-style:italic}',
  '.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:12px 0}.facts dt{color:var(--muted);font-size:12px}.facts dd{margin:0;font-weight:600}',
  'table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}',
  'th{background:#f4f6fa;position:sticky;top:0}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}',
  'code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}code.version{color:var(--muted)}',
  '.status{display:inline-block;padding:0 6px;border-radius:8px;font-size:12px;white-space:nowrap}.status.ok{background:#e3f3e8;color:var(--ok)}',
  '.status.bad{background:#fbe7e6;color:var(--bad)}.status.busy{background:#fbf0dc;color:var(--busy)}',
  '.badge{background:#fbe7e6;color:var(--bad);border-radius:8px;padding:0 6px;font-size:12px}',
  '.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:12px}figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px}',
  'figcaption{font-weight:600;margin-bottom:4px}svg.trend{width:100%;height:auto;display:block}',
  'svg .line{fill:none;stroke:var(--accent);stroke-width:1.5}svg .grid{stroke:var(--line);stroke-width:1}svg .axis{font-size:13px;fill:var(--muted)}',
  'svg .anomaly circle{fill:var(--bad)}svg .anomaly .expected{fill:var(--ok);opacity:.35}',
  '.bar{display:inline-block;width:120px;height:8px;background:#f1d4d2;border-radius:4px;vertical-align:middle;',
  'background-image:linear-gradient(var(--ok),var(--ok));background-repeat:no-repeat;background-size:calc(var(--ratio) * 100%) 100%}',
  'details summary{cursor:pointer;color:var(--accent);margin:6px 0}',
].join('\n');
