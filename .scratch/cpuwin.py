import sys, collections
# usage: cpuwin.py samples t0 t1 : cpu seconds per pid between t0 and t1 (closest samples)
f, t0, t1 = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
first = {}; last = {}; cmds = {}
for line in open(f):
    t, pid, ticks, cmd = line.rstrip('\n').split('\t')
    t = float(t); ticks = int(ticks)
    if t < t0 or t > t1: continue
    first.setdefault(pid, ticks); last[pid] = ticks; cmds[pid] = cmd
groups = collections.Counter()
for pid in last:
    d = (last[pid] - first[pid]) / 100
    if d <= 0.05: continue
    c = cmds[pid]
    key = 'postgres' if c.startswith('postgres') else 'redis' if 'redis-server' in c else c[:60]
    groups[key] += d
for k, v in groups.most_common(): print(f"{v:8.2f}s  {k}")
