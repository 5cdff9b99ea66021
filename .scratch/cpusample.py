import os, sys, time, json
# samples cumulative cpu ticks of all processes every 0.5 s; writes lines: t pid comm ticks
out = open(sys.argv[1], 'w')
hz = os.sysconf('SC_CLK_TCK')
while True:
    t = time.time()
    for pid in os.listdir('/proc'):
        if not pid.isdigit(): continue
        try:
            s = open(f'/proc/{pid}/stat').read()
            cmd = open(f'/proc/{pid}/cmdline').read().replace('\0',' ')[:80]
        except Exception: continue
        r = s.rfind(')'); f = s[r+2:].split()
        ticks = int(f[11]) + int(f[12])
        out.write(f"{t:.2f}\t{pid}\t{ticks}\t{cmd}\n")
    out.flush()
    time.sleep(0.5)
