"""Pictures of the accounting database.

``python3 -m fluxacct.plot allocations -p DB -o FILE`` draws every bank's
allocation burn-down over its current window (fluxacct-semantics(7),
"Allocations"): the share of the allocation that remains, from the window
start to the last update-usage run, against the straight line of an even
spend (from 100 % at the window start to 0 % at its end; a window that never
ends has no such line).  The format follows FILE's extension: ``.png`` or
``.svg``.  Each bank's line carries the SVG id ``burndown-BANK``, its even
spend line ``even-BANK``.

Needs matplotlib (Debian: python3-matplotlib).  Exit status 0, 1 when there
is nothing to draw (no bank has an allocation with a current window) or the
database cannot be read, 2 for a usage error.
"""
import argparse
import datetime
import os
import sys

from .database import Database, default_db_path
from .errors import Error

__all__ = ['allocation_burndown', 'plot_allocations', 'main']

FORMATS = ('.png', '.svg')


class NothingToPlot(Exception):
    """No bank has an allocation with a current window."""


def allocation_burndown(db, points=200):
    """Per bank with an allocation and a current window: a dict with the
    report row ("report") and the burn-down ("series", (time, used) pairs
    from Database.allocation_series).  Banks without a window yet (before
    their start, or not recomputed since an edit) are left out."""
    out = []
    for row in db.allocation_report():
        if row['window_start'] is None:
            continue
        out.append({'report': row,
                    'series': db.allocation_series(row['bank'], points)})
    return out


def plot_allocations(db, path, points=200):
    """Draw the burn-down of every bank's allocation into `path` (PNG or
    SVG by its extension).  Returns the names of the banks drawn.
    :raises NothingToPlot, ValueError (extension)."""
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FORMATS:
        raise ValueError(f'the output file must end in .png or .svg, got '
                         f'{str(path)!r}')
    banks = allocation_burndown(db, points)
    if not banks:
        if not db.allocation_report():
            raise NothingToPlot('no bank has an allocation (set one with '
                                'flux-account edit-bank BANK --allocation A '
                                '--allocation-start T --allocation-period D)')
        raise NothingToPlot('no bank has a current allocation window (the '
                            'allocations start later, or update-usage has '
                            'not run since they were set)')
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    def when(t):
        return datetime.datetime.fromtimestamp(t, datetime.timezone.utc)

    fig, ax = plt.subplots(figsize=(9, 5))
    try:
        names = []
        for i, b in enumerate(banks):
            r, series = b['report'], b['series']
            color = f'C{i % 10}'
            a = r['allocation']
            (line,) = ax.plot([when(t) for t, _ in series],
                              [100.0 * (a - u) / a for _, u in series],
                              color=color, linewidth=2,
                              label=f"{r['bank']} ({r['percent']:.1f} % used)")
            line.set_gid(f"burndown-{r['bank']}")
            if r['window_end'] is not None:
                (even,) = ax.plot([when(r['window_start']),
                                   when(r['window_end'])], [100.0, 0.0],
                                  color=color, linestyle='--', linewidth=1)
                even.set_gid(f"even-{r['bank']}")
            names.append(r['bank'])
        ax.set_ylabel('allocation remaining (%)')
        ax.set_xlabel('time (UTC)')
        ax.set_title('Allocation burn-down (dashed: even spend)')
        ax.set_ylim(bottom=min(0.0, ax.get_ylim()[0]))
        ax.grid(True, alpha=0.3)
        ax.legend(loc='best', fontsize='small')
        fig.autofmt_xdate()
        fig.savefig(str(path), format=ext[1:])
    finally:
        plt.close(fig)
    return names


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='python3 -m fluxacct.plot',
        description='Draw pictures of a libfluxacct database.')
    sub = parser.add_subparsers(dest='what', required=True)
    p = sub.add_parser('allocations', help="each bank's allocation "
                       'burn-down against an even spend')
    p.add_argument('-p', '--path', default=None,
                   help='the database (default: $FLUXACCT_DB or the '
                   'installed default)')
    p.add_argument('-o', '--output', required=True,
                   help='the image to write: FILE.png or FILE.svg')
    p.add_argument('--points', type=int, default=200,
                   help='points per burn-down line (2 to 100000)')
    args = parser.parse_args(argv)
    if not 2 <= args.points <= 100000:
        parser.error('--points must be from 2 to 100000')
    if os.path.splitext(args.output)[1].lower() not in FORMATS:
        parser.error(f'the output file must end in .png or .svg, got '
                     f'{args.output!r}')
    try:
        with Database(args.path or default_db_path(), readonly=True) as db:
            names = plot_allocations(db, args.output, args.points)
    except (NothingToPlot, Error) as e:
        print(f'fluxacct.plot: ERROR: {e}', file=sys.stderr)
        return 1
    except ImportError as e:
        print(f'fluxacct.plot: ERROR: matplotlib is needed ({e}); install '
              f'python3-matplotlib', file=sys.stderr)
        return 1
    print(f'wrote {args.output}: {len(names)} bank(s): {", ".join(names)}',
          file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
