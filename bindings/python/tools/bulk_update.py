#!/usr/bin/python3
"""bulk_update.py: send the accounting database to the mf_priority.so plugin.

usage: bulk_update.py [-p DB] [--print]

Reads associations, queues, projects, banks, priority factors and the
deny_unknown_queues setting from DB and sends them to the job manager's
mf_priority plugin (RPCs job-manager.mf_priority.rec_update, rec_q_update,
rec_proj_update, rec_bank_update, rec_fac_update, rec_config_update, then
reprioritize) through flux-core's Python bindings, as flux-accounting's
`flux python bulk_update.py -p DB` does.  The payloads are libfluxacct's
(fluxacct.Database.export_payload), the requests `flux account
priority-update` sends: rec_update carries "replace": true, so
associations deleted from DB leave the plugin too.  Needs the `flux`
module, i.e. run it as `flux python bulk_update.py` inside a Flux instance.

--print writes the same data as one JSON object (flux-accounting's
export-json form, for `flux jobtap load mf_priority.so config=...`) to
standard output and needs no Flux.

Exit status: 0 success; 1 an error (database or RPC); 2 bad usage;
3 flux-core's Python bindings are not available.
"""
import argparse
import json
import sys

import fluxacct

EXIT_NO_FLUX = 3


def send(db):
    """Send the payloads over RPC; returns the exit status."""
    try:
        import flux
    except ImportError as e:
        print('bulk_update.py: error: flux-core\'s Python bindings are not '
              f'available ({e}); run this as `flux python bulk_update.py` '
              'inside a Flux instance, or use --print', file=sys.stderr)
        return EXIT_NO_FLUX
    # Everything is read before anything is sent.
    requests = fluxacct.plugin_feed.rpc_payloads(db)
    h = flux.Flux()
    for name, payload in requests:
        h.rpc(f'job-manager.mf_priority.{name}', payload).get()
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog='bulk_update.py',
        description='Send the accounting database to the mf_priority plugin.')
    parser.add_argument('-p', '--path', default=None,
                        help='accounting database (default: $FLUXACCT_DB or '
                             'the compiled-in default)')
    parser.add_argument('--print', action='store_true', dest='print_json',
                        help='print the data as one JSON object instead of '
                             'sending it')
    args = parser.parse_args(argv)
    try:
        with fluxacct.Database(args.path, readonly=True) as db:
            if args.print_json:
                json.dump(db.export_json(), sys.stdout, indent=2)
                print()
                return 0
            return send(db)
    except (fluxacct.Error, OSError) as e:
        print(f'bulk_update.py: error: {e}', file=sys.stderr)
        return 1


if __name__ == '__main__':
    sys.exit(main())
