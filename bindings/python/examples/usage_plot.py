#!/usr/bin/python3
"""usage_plot.py: plot a usage report from an accounting database.

usage: usage_plot.py [-p DB] [-B BANK] [-u USER] [--update NOW] OUTPUT

Without -u: a bar chart of every active association's decayed usage
(association_table.job_usage), optionally only BANK's.  With -u USER: the
user's usage per period (period 0 is the current one), one bar series per
bank, from the values the last usage update wrote.  --update NOW runs the
usage update first (epoch seconds, a timestamp, or "now"), which needs
write access.  OUTPUT's extension chooses the format: .png or .svg.

Needs matplotlib (Debian: `apt-get install python3-matplotlib`).  Without it
the script says so and exits with status 3, writing nothing.

Exit status: 0 success; 1 an error; 2 bad usage; 3 matplotlib is missing.
"""
import argparse
import sys

import fluxacct

EXIT_NO_MATPLOTLIB = 3


def load_pyplot():
    """matplotlib.pyplot with a file-only backend, or None."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    return plt


def association_report(db, bank=None):
    """[(label "user@bank", job_usage)] for the active associations."""
    rows = db.list_users(fields='username,bank,job_usage', active=True,
                         bank=bank)
    return [(f"{r['username']}@{r['bank']}", r['job_usage']) for r in rows]


def period_report(db, user):
    """{bank: [value of period 0, 1, ...]} for one user."""
    series = {}
    for r in sorted(db.usage_periods(user),
                    key=lambda r: (r['bank'], r['period'])):
        series.setdefault(r['bank'], []).append(r['value'])
    return series


def plot_associations(plt, data, title):
    fig, ax = plt.subplots(figsize=(max(6, 0.4 * len(data)), 4))
    labels = [label for label, _ in data]
    ax.bar(range(len(data)), [v for _, v in data])
    ax.set_xticks(range(len(data)), labels, rotation=60, ha='right')
    ax.set_ylabel('decayed usage')
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_periods(plt, series, user):
    fig, ax = plt.subplots(figsize=(6, 4))
    n = max((len(v) for v in series.values()), default=0)
    width = 0.8 / max(1, len(series))
    for i, (bank, values) in enumerate(sorted(series.items())):
        ax.bar([p + i * width for p in range(len(values))], values,
               width=width, label=bank)
    ax.set_xticks([p + 0.4 - width / 2 for p in range(n)],
                  [str(p) for p in range(n)])
    ax.set_xlabel('period (0 = current)')
    ax.set_ylabel('usage')
    ax.set_title(f'usage of {user} per period')
    if series:
        ax.legend(title='bank')
    fig.tight_layout()
    return fig


def main(argv=None):
    parser = argparse.ArgumentParser(prog='usage_plot.py',
                                     description='Plot a usage report.')
    parser.add_argument('-p', '--path', default=None,
                        help='accounting database')
    parser.add_argument('-B', '--bank', help='only this bank\'s associations')
    parser.add_argument('-u', '--user', help='per-period usage of this user')
    parser.add_argument('--update', metavar='NOW',
                        help='run the usage update first ("now" or a time)')
    parser.add_argument('output', help='output file, .png or .svg')
    args = parser.parse_args(argv)
    if not args.output.lower().endswith(('.png', '.svg')):
        parser.error('OUTPUT must end in .png or .svg')

    plt = load_pyplot()
    if plt is None:
        print('usage_plot.py: matplotlib is not available; install it with '
              '`apt-get install python3-matplotlib` (Debian/Ubuntu) and run '
              'this script with /usr/bin/python3', file=sys.stderr)
        return EXIT_NO_MATPLOTLIB
    try:
        with fluxacct.Database(args.path,
                               readonly=args.update is None) as db:
            if args.update is not None:
                db.update_usage(None if args.update == 'now' else args.update)
            if args.user:
                fig = plot_periods(plt, period_report(db, args.user),
                                   args.user)
            else:
                title = 'decayed usage per association'
                if args.bank:
                    title += f' in {args.bank}'
                fig = plot_associations(plt, association_report(db, args.bank),
                                        title)
        fig.savefig(args.output)
    except (fluxacct.Error, OSError) as e:
        print(f'usage_plot.py: error: {e}', file=sys.stderr)
        return 1
    print(f'usage_plot.py: wrote {args.output}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
