#!/usr/bin/python3
"""bench_python: bench_db's association benchmark through the Python
bindings.

usage: PYTHONPATH=build/bindings/python /usr/bin/python3 bench/bench_python.py
           [DBPATH] [NASSOC] [--c-bench build/bench/bench_db] [--repeat R]

Builds 100 banks and NASSOC (default 100,000) associations, as bench_db does,
and times Database.add_users (one fluxacct_assoc_add_many call), add_user per
call inside one batch, add_user per call each in its own transaction (on a
sample of 2,000), then view_user and list_users(bank=B) as bench_db times
its reads.  With --c-bench, runs the C benchmark on the same sizes
first and prints the ratios and the per-call overhead of the bindings.
With --repeat R every timing is the best of R runs (the machine's noise is
then mostly gone from the ratios).
"""
import argparse
import os
import re
import subprocess
import sys
import time

import fluxacct

NBANKS = 100
SAMPLE = 2000
VIEWS, LISTS = 1000, 100     # read calls, as bench_db


def fresh(path):
    for suffix in ('', '-wal', '-shm'):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass
    fluxacct.create_db(path)
    db = fluxacct.Database(path)
    db.add_bank('root')
    for i in range(NBANKS):
        db.add_bank(f'bank{i:03d}', parent='root')
    return db


def users(n):
    return [{'username': f'user{i:06d}', 'bank': f'bank{i % NBANKS:03d}',
             'userid': 100000 + i} for i in range(n)]


C_TIMES = {
    'batch': r'add_many: \d+ associations in ([\d.]+) s',
    'per-call': r'per-call add in one batch: ([\d.]+) s',
    'per-transaction': r'one transaction each: \d+ in ([\d.]+) s',
    'view_user': r'view-user \(library\): ([\d.]+) ms',
    'list_users': r'list-users --bank B \(library, \d+ rows\): ([\d.]+) ms',
}


def run_c(bench, path, n):
    """{mode: seconds} from bench_db's output."""
    out = subprocess.run([bench, path, str(n)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    sys.stdout.write(out)
    t = {mode: float(re.search(rx, out).group(1))
         for mode, rx in C_TIMES.items()}
    t['view_user'] *= VIEWS / 1e3        # ms per call -> s for all calls
    t['list_users'] *= LISTS / 1e3
    return t


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_python(path, rows):
    """{mode: seconds} of the three ways of adding `rows`."""
    py = {}
    db = fresh(path)
    py['batch'] = timed(lambda: db.add_users(rows))
    db.close()

    def per_call():
        with db.batch():
            for u in rows:
                db.add_user(**u)
    db = fresh(path)
    py['per-call'] = timed(per_call)
    db.close()

    def per_transaction():
        for u in rows[:SAMPLE]:
            db.add_user(**u)
    db = fresh(path)
    py['per-transaction'] = timed(per_transaction)
    db.close()

    # reads on the full database, the same calls as bench_db
    db = fresh(path)
    db.add_users(rows)
    db.close()
    db = fluxacct.Database(path, readonly=True)
    n = len(rows)
    py['view_user'] = timed(lambda: [db.view_user(f'user{(i * 7919) % n:06d}')
                                     for i in range(VIEWS)])
    py['list_users'] = timed(lambda: [db.list_users(bank=f'bank{i % NBANKS:03d}')
                                      for i in range(LISTS)])
    db.close()
    return py


def best(runs):
    return {mode: min(r[mode] for r in runs) for mode in runs[0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('path', nargs='?', default='/tmp/bench_python.db')
    parser.add_argument('n', nargs='?', type=int, default=100000)
    parser.add_argument('--c-bench', help='path of build/bench/bench_db')
    parser.add_argument('--repeat', type=int, default=1,
                        help='best of this many runs (default 1)')
    args = parser.parse_args()
    n, path = args.n, args.path
    rows = users(n)
    c = None
    if args.c_bench:
        c = best([run_c(args.c_bench, path, n) for _ in range(args.repeat)])
    py = best([run_python(path, rows) for _ in range(args.repeat)])

    print(f'python add_users: {n} associations in {py["batch"]:.3f} s: '
          f'{n / py["batch"]:.0f} assoc/s, {py["batch"] / n * 1e6:.2f} us each')
    print(f'python add_user per call in one batch: {py["per-call"]:.3f} s: '
          f'{n / py["per-call"]:.0f} assoc/s')
    print(f'python add_user, one transaction each: {SAMPLE} in '
          f'{py["per-transaction"]:.3f} s: '
          f'{SAMPLE / py["per-transaction"]:.0f} assoc/s')
    print(f'python view_user: {py["view_user"] / VIEWS * 1e3:.4f} ms per call')
    print(f'python list_users(bank=B) ({n // NBANKS} rows): '
          f'{py["list_users"] / LISTS * 1e3:.4f} ms per call')
    if c:
        counts = {'batch': n, 'per-call': n, 'per-transaction': SAMPLE,
                  'view_user': VIEWS, 'list_users': LISTS}
        print('\nmode             C (s)   Python (s)  ratio  overhead per '
              'association or call')
        for mode in counts:
            over = (py[mode] - c[mode]) / counts[mode] * 1e6
            print(f'{mode:15s} {c[mode]:7.3f} {py[mode]:10.3f} '
                  f'{py[mode] / c[mode]:6.2f}x {over:8.2f} us')
    for suffix in ('', '-wal', '-shm'):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


if __name__ == '__main__':
    main()
