import json, sys, collections, re
p = json.load(open(sys.argv[1]))
nodes = {n['id']: n for n in p['nodes']}
parent = {}
for n in p['nodes']:
    for c in n.get('children', []): parent[c] = n['id']
import itertools
times = list(itertools.accumulate(p['timeDeltas']))
end = times[-1]
lo = end - float(sys.argv[2])*1e6 if len(sys.argv)>2 else -1
hi = end - float(sys.argv[3])*1e6 if len(sys.argv)>3 else end+1
counts = collections.Counter(s for s,t in zip(p['samples'], times) if lo <= t <= hi)
focus = sys.argv[4] if len(sys.argv)>4 else None
total = sum(counts.values())
def pkg(url):
    if not url: return '(native)'
    m = re.search(r'node_modules/((@[^/]+/)?[^/]+)', url)
    if m: return m.group(1)
    if url.startswith('node:'): return url
    return 'app:' + url.split('/work/main/')[-1]
self_fn = collections.Counter(); self_pkg = collections.Counter(); resp = collections.Counter()
for nid, c in counts.items():
    n = nodes[nid]; cf = n['callFrame']
    self_fn[f"{cf['functionName'] or '(anon)'} {pkg(cf['url'])}:{cf['lineNumber']}"] += c
    self_pkg[pkg(cf['url']) if cf['url'] else cf['functionName']] += c
    # nearest app frame up the stack
    x = nid; name = None
    while x in nodes:
        u = nodes[x]['callFrame']['url']
        if u and '/work/main/' in u and 'node_modules' not in u:
            name = f"{nodes[x]['callFrame']['functionName'] or '(anon)'} {u.split('/work/main/')[-1]}:{nodes[x]['callFrame']['lineNumber']}"; break
        x = parent.get(x)
    resp[name or '(no app frame)'] += c
print('total samples', total)
print('--- self by package'); [print(f"{100*v/total:5.1f}% {k}") for k, v in self_pkg.most_common(18)]
print('--- self by function'); [print(f"{100*v/total:5.1f}% {k}") for k, v in self_fn.most_common(25)]
print('--- nearest app frame'); [print(f"{100*v/total:5.1f}% {k}") for k, v in resp.most_common(25)]

if focus:
    stacks = collections.Counter()
    for nid, c in counts.items():
        if nodes[nid]['callFrame']['functionName'] != focus: continue
        chain=[]; x=parent.get(nid)
        while x in nodes and len(chain)<7:
            cf=nodes[x]['callFrame']; chain.append(f"{cf['functionName'] or '(anon)'}@{pkg(cf['url'])}:{cf['lineNumber']}"); x=parent.get(x)
        stacks[' < '.join(chain)] += c
    print('--- callers of', focus)
    for k,v in stacks.most_common(12): print(f"{100*v/total:5.1f}% {k}")
incl = collections.Counter()
for nid, c in counts.items():
    seen=set(); x=nid
    while x in nodes:
        cf=nodes[x]['callFrame']; u=cf['url']
        k = pkg(u) if u else None
        if k and k.startswith('app:'): k = k + ' ' + (cf['functionName'] or '(anon)')
        if k and k not in seen: seen.add(k); incl[k]+=c
        x=parent.get(x)
print('--- inclusive'); [print(f"{100*v/total:5.1f}% {k}") for k, v in incl.most_common(45)]
