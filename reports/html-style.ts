/** The report's inline stylesheet (light and dark, print). */

export const CSS = `
:root{color-scheme:light dark;--bg:#f7f7f5;--fg:#1f2328;--muted:#5e6470;--card:#fff;--border:#e3e3df;--code:#f1f1ee;
--pass:#1a7f37;--pass-bg:#e6f4ea;--fail:#c62828;--fail-bg:#fdecec;--warn:#9a6700;--warn-bg:#fff4d6;--na:#6e7781;--na-bg:#eef0f2;--err:#7b3fbf;--err-bg:#f3ebfc;
--add:#e6f4ea;--add-fg:#1a7f37;--del:#fdecec;--del-fg:#c62828;--accent:#3a5ccc;--k:#3a5ccc;--s:#0f6e5a;--l:#9a3ea8;--num:#9a5b00}
@media (prefers-color-scheme:dark){:root{--bg:#111317;--fg:#e4e6ea;--muted:#9aa1ad;--card:#181b20;--border:#2a2e35;--code:#1f2329;
--pass:#56c271;--pass-bg:#15301e;--fail:#f47272;--fail-bg:#3a1818;--warn:#e3b341;--warn-bg:#332a12;--na:#9aa1ad;--na-bg:#252931;--err:#c198f2;--err-bg:#2b2040;
--add:#15301e;--add-fg:#7ee08f;--del:#3a1818;--del-fg:#ff9c9c;--accent:#8aa4ff;--k:#8aa4ff;--s:#6fd3b7;--l:#e29be8;--num:#f0b860}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:28px 24px 64px}
code,pre{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
a{color:var(--accent)}
h1,h2,h3,h4,h5{line-height:1.25;margin:0}
h2{font-size:20px;margin:36px 0 6px}
h3{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:18px 0 8px;font-weight:600}
h4{font-size:14px;margin:18px 0 6px}
h5{font-size:12px;color:var(--muted);margin:8px 0 4px;font-weight:600;text-transform:uppercase;letter-spacing:.05em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.hint{color:var(--muted);margin:0 0 12px;font-size:14px}
.empty{color:var(--muted);font-style:italic}
.pill{display:inline-block;min-width:1.7em;padding:0 .5em;border-radius:999px;background:var(--code);color:var(--muted);font-size:13px;text-align:center;vertical-align:middle}
.top{display:flex;gap:24px;align-items:flex-end;justify-content:space-between;flex-wrap:wrap}
.top .title{flex:1 1 420px;min-width:0}
.eyebrow{margin:0 0 4px;color:var(--muted);font-size:13px;text-transform:uppercase;letter-spacing:.08em;font-weight:600}
h1{font-size:30px;font-weight:650;overflow-wrap:anywhere}
h1 .ver{color:var(--muted);font-weight:400}
.meta{color:var(--muted);margin:8px 0 0;font-size:13.5px}
.meta code{font-size:12.5px}
.score{text-align:right}
.score .big{font-size:44px;font-weight:700;margin:0;line-height:1;font-variant-numeric:tabular-nums}
.score.good .big{color:var(--pass)}.score.bad .big{color:var(--fail)}
.score .under{margin:4px 0 0;color:var(--muted)}
.bar{display:flex;height:8px;border-radius:999px;overflow:hidden;margin:22px 0 14px;background:var(--border);gap:2px}
.bar span{display:block;min-width:4px}
.bar .v-passed{background:var(--pass)}.bar .v-failed{background:var(--fail)}.bar .v-warning{background:var(--warn)}.bar .v-na{background:var(--na)}.bar .v-errored{background:var(--err)}
.counts{list-style:none;display:flex;flex-wrap:wrap;gap:10px;padding:0;margin:0}
.count{display:flex;align-items:baseline;gap:8px;padding:8px 14px;border-radius:10px;background:var(--card);border:1px solid var(--border)}
.count .n{font-size:20px;font-weight:700;font-variant-numeric:tabular-nums}
.count .lbl{color:var(--muted);font-size:13.5px}
.count.v-passed .n{color:var(--pass)}.count.v-failed .n{color:var(--fail)}.count.v-warning .n{color:var(--warn)}.count.v-na .n{color:var(--na)}.count.v-errored .n{color:var(--err)}
.toolbar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:12px 0;margin-top:18px;background:var(--bg);border-bottom:1px solid var(--border)}
.toolbar .spacer{flex:1}
.req,.group,.what-failed{scroll-margin-top:64px}
.what-failed h2{margin-top:20px}
.first-failures{list-style:none;padding:0;margin:0;background:var(--card);border:1px solid var(--border);border-left:4px solid var(--fail);border-radius:10px}
.first-failures li{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline;padding:7px 12px;border-bottom:1px solid var(--border);min-width:0}
.first-failures li:last-child{border-bottom:0}
.first-failures .why{flex:1 1 16rem;min-width:0;color:var(--muted);font-size:13.5px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.btn{font:inherit;font-size:13.5px;padding:5px 12px;border-radius:8px;border:1px solid var(--border);background:var(--card);color:var(--fg);cursor:pointer}
.btn:hover{border-color:var(--muted)}
.btn[aria-pressed="true"]{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.btn:focus-visible,summary:focus-visible,.chip:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
.v{display:inline-block;font-size:11.5px;font-weight:650;text-transform:uppercase;letter-spacing:.04em;padding:2px 8px;border-radius:6px;white-space:nowrap}
.v.v-passed{color:var(--pass);background:var(--pass-bg)}.v.v-failed{color:var(--fail);background:var(--fail-bg)}.v.v-warning{color:var(--warn);background:var(--warn-bg)}.v.v-na{color:var(--na);background:var(--na-bg)}.v.v-errored{color:var(--err);background:var(--err-bg)}.v.v-none{color:var(--muted);background:var(--code)}
.scroll{overflow-x:auto;position:relative}
.matrix{border-collapse:separate;border-spacing:0;width:100%;background:var(--card);border:1px solid var(--border);border-radius:12px;overflow:hidden}
.matrix th,.matrix td{padding:8px 12px;border-bottom:1px solid var(--border);text-align:left;vertical-align:middle}
.matrix tr:last-child th,.matrix tr:last-child td{border-bottom:0}
.matrix thead th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:600}
.matrix tbody th{font-weight:550;white-space:nowrap}
.frac{margin-left:8px;color:var(--muted);font-weight:400;font-size:12.5px;font-variant-numeric:tabular-nums;text-transform:none;letter-spacing:0}
.cell.v-failed{background:var(--fail-bg)}.cell.v-errored{background:var(--err-bg)}
.empty-cell{color:var(--border)}
.chip{display:inline-block;width:16px;height:16px;border-radius:4px;margin:2px 4px 2px 0;vertical-align:middle;transition:opacity .15s}
.chip.v-passed{background:var(--pass)}.chip.v-failed{background:var(--fail)}.chip.v-warning{background:var(--warn)}.chip.v-na{background:var(--na);opacity:.55}.chip.v-errored{background:var(--err)}
.chip.dim{opacity:.15}
.area-group{margin-bottom:8px}
.req{background:var(--card);border:1px solid var(--border);border-left:4px solid var(--na);border-radius:10px;margin:0 0 8px}
.req.v-passed{border-left-color:var(--pass)}.req.v-failed{border-left-color:var(--fail)}.req.v-warning{border-left-color:var(--warn)}.req.v-errored{border-left-color:var(--err)}
.req>summary{display:grid;grid-template-columns:auto auto minmax(0,1fr) auto;gap:12px;align-items:center;padding:10px 14px;cursor:pointer;list-style:none}
.req>summary::-webkit-details-marker{display:none}
.req>summary::after{content:"▸";color:var(--muted);grid-column:5;transition:transform .15s}
.req[open]>summary::after{transform:rotate(90deg)}
.req>summary .v{min-width:7.5em;text-align:center}
.rid{font-weight:600;font-size:12.5px}
.stmt{color:var(--fg);overflow:hidden;text-overflow:ellipsis}
.req:not([open]) .stmt{white-space:nowrap}
.tt{color:var(--muted);font-size:12.5px;white-space:nowrap}
.body{padding:14px 18px 18px;border-top:1px solid var(--border)}
.statement{font-size:15.5px;margin:14px 0 10px}
.facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0 0 12px}
.facts dt{font-size:11.5px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.facts dd{margin:0;font-size:14px}
.quote{margin:10px 0;padding:8px 14px;border-left:3px solid var(--border);background:var(--code);border-radius:0 8px 8px 0}
.quote blockquote{margin:0;font-style:italic}
.quote figcaption{font-size:12.5px;margin-top:4px;word-break:break-all}
.callout{border:1px solid var(--warn);background:var(--warn-bg);border-radius:10px;padding:4px 14px;margin:12px 0}
.callout .quote{background:var(--card)}
.reason{padding:8px 12px;border-radius:8px;background:var(--code)}
.v-errored .reason{background:var(--err-bg)}
.failure{margin-top:8px}
.small{font-size:13px;color:var(--muted);margin:6px 0;overflow-wrap:anywhere}
.small code{word-break:break-all}
.body,.failure,.facts dd{min-width:0;overflow-wrap:anywhere}
pre{background:var(--code);border:1px solid var(--border);border-radius:8px;padding:10px 12px;overflow:auto;margin:0;max-height:480px}
pre.msg{white-space:pre-wrap;word-break:break-word;font-size:13.5px;border-left:3px solid var(--fail)}
.v-warning pre.msg{border-left-color:var(--warn)}
.cols{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,2fr);gap:12px}
@media (max-width:760px){.toolbar{position:static}.matrix tbody th{white-space:normal}.matrix th,.matrix td{padding:6px 8px}main{padding:20px 14px 48px}.score .big{font-size:36px}.cols{grid-template-columns:minmax(0,1fr)}.req>summary{grid-template-columns:auto 1fr}.req>summary .stmt,.req>summary .tt{grid-column:1/-1}.req>summary::after{display:none}.top{align-items:flex-start}.score{text-align:left}}
.json .k{color:var(--k)}.json .s{color:var(--s)}.json .l{color:var(--l)}.json .n{color:var(--num)}
.diff .dl{display:block;padding:0 6px;margin:0 -6px;white-space:pre}
.diff .dl.add{background:var(--add);color:var(--add-fg)}.diff .dl.del{background:var(--del);color:var(--del-fg)}
.diff .sign{display:inline-block;width:1.4em;user-select:none;opacity:.8}
.legend{font-size:12.5px;margin:0 0 6px}.legend .dl{padding:1px 8px;border-radius:4px}
.legend .add{background:var(--add);color:var(--add-fg)}.legend .del{background:var(--del);color:var(--del-fg)}
.commands{margin:0;padding-left:1.6em}.commands li{margin:2px 0}.commands code{background:var(--code);padding:1px 6px;border-radius:4px}
.inputs{margin-top:14px}.inputs>summary{cursor:pointer;color:var(--muted);font-size:13.5px}
.replay{display:flex;gap:8px;align-items:stretch}
.replay pre{flex:1;white-space:pre-wrap;word-break:break-all}
.changes{list-style:none;padding:0;margin:0}
.changes li{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:6px 0;border-bottom:1px solid var(--border)}
.changes .stmt{color:var(--muted);font-size:14px}
footer{margin-top:48px;color:var(--muted);font-size:12.5px}
[hidden]{display:none!important}
.req:not([open]){content-visibility:auto;contain-intrinsic-size:auto 46px}
body[data-active-filter=failures] details.req:not([data-verdict=FAILED]):not([data-verdict=ERRORED]),body[data-active-filter=warnings] details.req:not([data-verdict=WARNING]),body[data-active-filter=failures] .area-group:not([data-verdicts~=FAILED]):not([data-verdicts~=ERRORED]),body[data-active-filter=warnings] .area-group:not([data-verdicts~=WARNING]),body[data-active-filter=failures] [data-section]:not([data-section=failures]),body[data-active-filter=warnings] [data-section]:not([data-section=warnings]){display:none}
body[data-active-filter=failures] [data-matrix-id]:not([data-verdict=FAILED]):not([data-verdict=ERRORED]),body[data-active-filter=warnings] [data-matrix-id]:not([data-verdict=WARNING]){opacity:.15}
@media print{.toolbar{display:none}.req .body{display:block}pre{max-height:none}}
`;
