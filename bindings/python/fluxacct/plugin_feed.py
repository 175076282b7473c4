"""The data the mf_priority.so jobtap plugin is fed, read from the
database by libfluxacct (fluxacct/export.h): flux-accounting's export-json
object and the payloads of the plugin's services.  These are the same
bytes ``flux-account export-json`` and ``flux-account priority-update``
produce; see :meth:`fluxacct.Database.export_json` and
:meth:`fluxacct.Database.export_payload`.
"""

from ._core import ffi, lib

__all__ = ['ASSOCIATION_KEYS', 'QUEUE_KEYS', 'RPC_ORDER', 'RPC_NAMES',
           'payloads', 'rpc_payloads']

#: Keys of a rec_update element and the association_table columns they
#: come from (for reference: the library builds the elements).
ASSOCIATION_KEYS = {
    'userid': 'userid', 'bank': 'bank', 'def_bank': 'default_bank',
    'fairshare': 'fairshare', 'max_running_jobs': 'max_running_jobs',
    'max_active_jobs': 'max_active_jobs', 'queues': 'queues',
    'active': 'active', 'projects': 'projects',
    'def_project': 'default_project', 'max_nodes': 'max_nodes',
    'max_cores': 'max_cores', 'max_sched_jobs': 'max_sched_jobs',
    'max_wall_pj': 'max_wall_pj',   # libfluxacct's extra key (minutes)
}

#: Keys of a rec_q_update element (queue_table columns of the same names).
QUEUE_KEYS = ('queue', 'min_nodes_per_job', 'max_nodes_per_job',
              'max_time_per_job', 'priority', 'max_running_jobs',
              'max_nodes_per_assoc', 'max_sched_jobs',
              'max_sched_nodes_per_assoc', 'max_sched_cores_per_assoc')


def _services():
    """The library's one list of the plugin's services
    (fluxacct_engine_services())."""
    names, i = [], 0
    services = lib.fluxacct_engine_services()
    while services[i] != ffi.NULL:
        names.append(ffi.string(services[i]).decode())
        i += 1
    return tuple(names)


#: Every service ``flux-account priority-update`` sends, in its order: the
#: data services, then reprioritize (the library's list, which the plugin
#: and the CLI use too).
RPC_NAMES = _services()

#: The data services (job-manager.mf_priority.<name>) in the order they are
#: sent, with the payloads() key whose value each one carries as "data".
RPC_ORDER = tuple(zip(RPC_NAMES[:-1],
                      ('associations', 'queues', 'projects', 'banks',
                       'priority_factors', 'config')))


def payloads(db):
    """The export-json object for database `db` as a dict
    (:meth:`fluxacct.Database.export_json`): ``associations`` (every
    association, active or not, as rec_update elements), ``queues``,
    ``projects`` (``[{project}]``), ``banks`` (``[{bank, priority}]``,
    every bank), ``priority_factors`` (``[{factor, weight}]``) and
    ``config`` (``{deny_unknown_queues}``)."""
    return db.export_json()


def rpc_payloads(db, replace=True):
    """``[(service name, request payload), ...]`` for every service in
    :data:`RPC_NAMES` order, the requests ``flux-account priority-update``
    sends: rec_update carries ``"replace": true`` (unless replace=False,
    flux-accounting's upsert), reprioritize ``{}``.  Every payload is read
    before any is returned."""
    return [(name, db.export_payload(name, replace=replace))
            for name in RPC_NAMES]
